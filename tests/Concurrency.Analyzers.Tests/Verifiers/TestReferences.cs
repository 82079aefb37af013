using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Tests.Verifiers;

/// <summary>
/// The references the test compilations use: the framework reference assemblies (.NET 8 for the
/// Roslyn 4.8 tests, .NET 10 for the latest-Roslyn tests), read from a targeting pack on disk so
/// nothing is fetched while tests run, and the net8.0 build of Concurrency.Runtime, so tests use
/// the runtime's real API rather than stubs that could drift from it (see Directory.Build.targets).
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(LoadFramework);

    private static readonly Lazy<MetadataReference> RuntimeReference = new(LoadRuntime);

    public static ImmutableArray<MetadataReference> Framework => FrameworkReferences.Value;

    public static MetadataReference Runtime => RuntimeReference.Value;

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var folder = Metadata("InMemoryReferenceAssemblies");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The reference assemblies are not at '{folder}'; restore the test project.");
        }

        return Directory.GetFiles(folder, "*.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    private static MetadataReference LoadRuntime()
    {
        var path = Metadata("InMemoryRuntimeReference");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Concurrency.Runtime.dll (net8.0) is not at '{path}'; build the test project, which builds the runtime first.", path);
        }

        return MetadataReference.CreateFromFile(path);
    }

    private static string Metadata(string key) =>
        typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no AssemblyMetadata '{key}'; see Directory.Build.targets.");
}
