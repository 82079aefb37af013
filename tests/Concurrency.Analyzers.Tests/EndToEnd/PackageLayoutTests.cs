using System.IO.Compression;
using System.Xml.Linq;

namespace Concurrency.Analyzers.Tests.EndToEnd;

/// <summary>The two packages have the layout users' tools expect.</summary>
[Trait("Category", "EndToEnd")]
[Collection(EndToEndCollection.Name)]
public class PackageLayoutTests(PackedFeed feed)
{
    [Fact]
    public void Analyzer_package_ships_both_assemblies_and_satellites_under_analyzers_and_nothing_under_lib()
    {
        using var package = ZipFile.OpenRead(feed.Package("Concurrency.Analyzers"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("analyzers/dotnet/cs/Concurrency.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Concurrency.CodeFixes.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/zh-Hans/Concurrency.Analyzers.resources.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/zh-Hans/Concurrency.CodeFixes.resources.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        var nuspec = Nuspec(package);
        Assert.Equal("true", Element(nuspec, "developmentDependency"));
        Assert.Equal("MIT", Element(nuspec, "license"));
        Assert.Equal("README.md", Element(nuspec, "readme"));
        Assert.Contains("analyzers", Element(nuspec, "tags"), StringComparison.Ordinal);
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Fact]
    public void Runtime_package_ships_the_library_for_each_target_framework()
    {
        using var package = ZipFile.OpenRead(feed.Package("Concurrency.Runtime"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net8.0/Concurrency.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Concurrency.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Concurrency.Runtime.xml", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.Equal("MIT", Element(Nuspec(package), "license"));
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string Element(XDocument nuspec, string name) =>
        nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
}
