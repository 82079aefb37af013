using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Tests.Verifiers;

/// <summary>
/// The framework reference assemblies the test compilations use (.NET 8 for the Roslyn 4.8 tests,
/// .NET 10 for the latest-Roslyn tests): read from a targeting pack on disk (see
/// Directory.Build.targets), so nothing is fetched while tests run.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(Load);

    public static ImmutableArray<MetadataReference> Framework => FrameworkReferences.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var folder = typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "InMemoryReferenceAssemblies").Value!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The reference assemblies are not at '{folder}'; restore the test project.");
        }

        return Directory.GetFiles(folder, "*.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
