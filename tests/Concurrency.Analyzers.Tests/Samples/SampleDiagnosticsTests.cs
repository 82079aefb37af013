using System.Collections.Immutable;
using Concurrency.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Tests.Samples;

/// <summary>
/// The samples show each rule fire on the unsafe code and the fixed code clean: every file of an
/// <c>Unsafe/</c> folder gets a diagnostic of the package, no file of a <c>Fixed/</c> folder does, and
/// the lifecycle samples (chapters 2 and 3, pools in chapter 4, callbacks in chapter 5) show every lifecycle rule, the shared-state sample every shared-state rule.
/// </summary>
public class SampleDiagnosticsTests
{
    [Theory]
    [MemberData(nameof(SampleProjects.Folders), MemberType = typeof(SampleProjects))]
    public async Task Unsafe_files_are_flagged_and_fixed_files_are_clean(string relativeFolder)
    {
        var diagnostics = await DiagnosticsOf(relativeFolder);
        var folder = Path.Combine(RepositoryPaths.Root, relativeFolder);
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            var found = diagnostics.Where(d => d.Location.SourceTree?.FilePath == file).Select(d => d.Id).ToList();
            if (relative.StartsWith("Fixed" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Assert.True(found.Count == 0, $"{relativeFolder}/{relative} is a fixed version but gets {string.Join(", ", found)}");
            }
            else if (relative.StartsWith("Unsafe" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Assert.True(found.Count > 0, $"{relativeFolder}/{relative} is an unsafe version but gets no diagnostic");
            }
        }
    }

    [Fact]
    public async Task The_lifecycle_samples_show_every_lifecycle_rule()
    {
        var ids = (await DiagnosticsOf(Path.Combine("samples", "Chapter03.Lifecycle")))
            .Concat(await DiagnosticsOf(Path.Combine("samples", "Chapter02.UnguardedEntry")))
            .Concat(await DiagnosticsOf(Path.Combine("samples", "Chapter04.Pools")))
            .Concat(await DiagnosticsOf(Path.Combine("samples", "Chapter05.Callbacks")))
            .Select(d => d.Id)
            .ToHashSet();
        var lifecycle = typeof(RuleIds).GetFields().Select(f => (string)f.GetValue(null)!).Where(id => id.StartsWith("CONC2", StringComparison.Ordinal));
        Assert.All(lifecycle, id => Assert.Contains(id, ids));
    }

    [Fact]
    public async Task The_shared_state_sample_shows_every_shared_state_rule()
    {
        var ids = (await DiagnosticsOf(Path.Combine("samples", "Chapter03.SharedState"))).Select(d => d.Id).ToHashSet();
        var shared = typeof(RuleIds).GetFields().Select(f => (string)f.GetValue(null)!).Where(id => id.StartsWith("CONC3", StringComparison.Ordinal));
        Assert.All(shared, id => Assert.Contains(id, ids));
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsOf(string relativeFolder)
    {
        using var workspace = new AdhocWorkspace();
        var project = await SampleProjects.LoadAsync(workspace, relativeFolder);
        var compilation = (await project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers(SampleProjects.Analyzers).GetAnalyzerDiagnosticsAsync();
    }
}
