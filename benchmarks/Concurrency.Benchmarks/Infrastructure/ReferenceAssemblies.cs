using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Concurrency.Benchmarks.Infrastructure;

/// <summary>The .NET 8 reference assemblies from the targeting pack restore downloaded (see Directory.Build.targets).</summary>
internal static class ReferenceAssemblies
{
    public static IReadOnlyList<MetadataReference> Net80 { get; } = Load();

    private static IReadOnlyList<MetadataReference> Load()
    {
        var folder = typeof(ReferenceAssemblies).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "InMemoryReferenceAssemblies").Value!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The .NET 8 reference assemblies are not at '{folder}'; run 'dotnet restore' first.");
        }

        return Directory.GetFiles(folder, "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}
