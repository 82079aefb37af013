using System.Collections.Immutable;
using Concurrency.Analyzers.Tests.Infrastructure;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Tests.Robustness;

/// <summary>
/// An analyzer must never throw (AD0001), on any code: every analyzer of the package runs over
/// every prefix of real sources, as an editor sees them while they are typed, and every fix it
/// offers is applied; no analyzer or fix may throw.
/// </summary>
public class HalfTypedCodeTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(RuleIds).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly ImmutableArray<CodeFixProvider> Fixers = typeof(CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static TheoryData<string> SampleSources()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleSources))]
    public async Task No_analyzer_throws_on_any_prefix_of_a_sample(string relativePath)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, relativePath));
        var failures = new List<string>();

        // Prefixes every few characters (at most about 400 of them), plus the whole file with each line removed in turn.
        var step = Math.Max(5, text.Length / 400);
        var variants = Enumerable.Range(1, text.Length / step).Select(i => text[..(i * step)])
            .Concat(text.Split('\n').Select((_, i) => string.Join('\n', text.Split('\n').Where((_, j) => j != i))));
        foreach (var variant in variants)
        {
            var compilation = CSharpCompilation.Create(
                "HalfTyped",
                new[] { CSharpSyntaxTree.ParseText(variant, new CSharpParseOptions(LanguageVersion.Latest)) },
                TestReferences.Framework,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication));
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, _) => failures.Add($"{analyzer.GetType().Name} threw {exception.GetType().Name}: {exception.Message}\n--- on ---\n{variant}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
            Assert.True(failures.Count == 0, failures.FirstOrDefault());
        }
    }

    public static TheoryData<string> SampleProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples"), "*.csproj", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(project)!));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Every_offered_fix_applies_and_leaves_code_that_compiles(string relativeFolder)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Sample",
            "Sample",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.Framework));

        // The sample's sources, plus the implicit usings its SDK project would generate.
        project = project.AddDocument("GlobalUsings.g.cs", "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;").Project;
        var folder = Path.Combine(RepositoryPaths.Root, relativeFolder);
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
        {
            project = project.AddDocument(Path.GetRelativePath(folder, file), SourceText.From(await File.ReadAllTextAsync(file)), filePath: file).Project;
        }

        // Samples of the runtime's chapters use Concurrency.Runtime: a project of its sources, referenced.
        if (File.ReadAllText(Directory.GetFiles(folder, "*.csproj").Single()).Contains("Concurrency.Runtime.csproj", StringComparison.Ordinal))
        {
            var runtimeProject = project.Solution.AddProject("Concurrency.Runtime", "Concurrency.Runtime", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(TestReferences.Framework);
            var runtime = Path.Combine(RepositoryPaths.Root, "src", "Concurrency.Runtime");
            foreach (var file in Directory.GetFiles(runtime, "*.cs", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(runtime, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
            {
                runtimeProject = runtimeProject.AddDocument(Path.GetRelativePath(runtime, file), SourceText.From(await File.ReadAllTextAsync(file)), filePath: file).Project;
            }

            project = runtimeProject.Solution.GetProject(project.Id)!.AddProjectReference(new ProjectReference(runtimeProject.Id));
        }

        var compilation = (await project.GetCompilationAsync())!;
        var compileErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compileErrors.Count == 0, string.Join("\n", compileErrors.Take(5)));
        var diagnostics = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
        var applied = 0;
        foreach (var diagnostic in diagnostics)
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                foreach (var action in actions)
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetProject(project.Id)!;
                    var errors = (await changed.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    Assert.True(errors.Count == 0, $"Fix '{action.Title}' for {diagnostic} broke the build: {string.Join("; ", errors)}");
                    applied++;
                }
            }
        }

        Assert.True(diagnostics.IsEmpty || applied > 0, $"{relativeFolder}: diagnostics were reported but no fix was offered for any.");
    }
}
