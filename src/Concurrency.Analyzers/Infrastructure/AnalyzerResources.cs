using System.Resources;

namespace Concurrency.Analyzers;

/// <summary>The analyzers' localizable strings (<c>Resources.resx</c> and its zh-Hans satellite).</summary>
public static class AnalyzerResources
{
    /// <summary>The resource manager over <c>Concurrency.Analyzers.Resources</c>.</summary>
    public static ResourceManager ResourceManager { get; } =
        new("Concurrency.Analyzers.Resources", typeof(AnalyzerResources).Assembly);
}
