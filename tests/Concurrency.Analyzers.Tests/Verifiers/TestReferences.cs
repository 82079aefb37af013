using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Tests.Verifiers;

/// <summary>
/// The .NET 8 reference assemblies the test compilations use: read from the targeting pack that
/// restore downloaded (see Directory.Build.targets), so nothing is fetched while tests run.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Net80References = new(Load);

    public static ImmutableArray<MetadataReference> Net80 => Net80References.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var folder = typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Net80ReferenceAssemblies").Value!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The .NET 8 reference assemblies are not at '{folder}'; restore the test project.");
        }

        return Directory.GetFiles(folder, "*.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
