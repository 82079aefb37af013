using System.Resources;

namespace Concurrency.CodeFixes;

/// <summary>The code fixes' localizable titles (<c>CodeFixResources.resx</c> and its zh-Hans satellite).</summary>
internal static class CodeFixResources
{
    public static ResourceManager ResourceManager { get; } =
        new("Concurrency.CodeFixes.CodeFixResources", typeof(CodeFixResources).Assembly);

    /// <summary>The title under <paramref name="name"/> in the current UI culture.</summary>
    public static string Get(string name) =>
        ResourceManager.GetString(name) ?? name;
}
