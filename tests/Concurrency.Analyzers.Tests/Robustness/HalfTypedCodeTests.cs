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
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = SampleProjects.Analyzers;

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

    public static TheoryData<string> SampleFolders() => SampleProjects.Folders();

    [Theory]
    [MemberData(nameof(SampleFolders))]
    public async Task Every_offered_fix_applies_and_leaves_code_that_compiles(string relativeFolder)
    {
        using var workspace = new AdhocWorkspace();
        var project = await SampleProjects.LoadAsync(workspace, relativeFolder);
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
