using System.Collections.Immutable;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Tests.Infrastructure;

/// <summary>The projects of <c>samples/</c> as in-memory workspace projects, and every analyzer of the package to run on them.</summary>
internal static class SampleProjects
{
    /// <summary>Every analyzer of the package.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(RuleIds).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The sample folders (relative to the repository), one per project.</summary>
    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples"), "*.csproj", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(project)!));
        }

        return data;
    }

    /// <summary>
    /// The sample in <paramref name="relativeFolder"/> as a console application of its sources, plus
    /// the implicit usings its SDK project would generate, and — when it references the runtime — a
    /// project of the runtime's sources.
    /// </summary>
    public static async Task<Project> LoadAsync(AdhocWorkspace workspace, string relativeFolder)
    {
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Sample",
            "Sample",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.Framework));
        project = project.AddDocument("GlobalUsings.g.cs", "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;").Project;
        var folder = Path.Combine(RepositoryPaths.Root, relativeFolder);
        foreach (var file in SourcesOf(folder))
        {
            project = project.AddDocument(Path.GetRelativePath(folder, file), SourceText.From(await File.ReadAllTextAsync(file)), filePath: file).Project;
        }

        if (File.ReadAllText(Directory.GetFiles(folder, "*.csproj").Single()).Contains("Concurrency.Runtime.csproj", StringComparison.Ordinal))
        {
            var runtimeProject = project.Solution.AddProject("Concurrency.Runtime", "Concurrency.Runtime", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(TestReferences.Framework);
            var runtime = Path.Combine(RepositoryPaths.Root, "src", "Concurrency.Runtime");
            foreach (var file in SourcesOf(runtime))
            {
                runtimeProject = runtimeProject.AddDocument(Path.GetRelativePath(runtime, file), SourceText.From(await File.ReadAllTextAsync(file)), filePath: file).Project;
            }

            project = runtimeProject.Solution.GetProject(project.Id)!.AddProjectReference(new ProjectReference(runtimeProject.Id));
        }

        return project;
    }

    private static IEnumerable<string> SourcesOf(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
}
