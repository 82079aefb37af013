using System.Resources;

namespace Concurrency.Analyzers.Catalog;

/// <summary>The analyzers' localizable strings (<c>Resources.resx</c> and its zh-Hans satellite).</summary>
public static class AnalyzerResources
{
    /// <summary>The resource manager over <c>Concurrency.Analyzers.Catalog.Resources</c>.</summary>
    public static ResourceManager ResourceManager { get; } =
        new("Concurrency.Analyzers.Catalog.Resources", typeof(AnalyzerResources).Assembly);
}
