using System.Collections.Immutable;
using Concurrency.Analyzers.Rules.Locks;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Concurrency.Analyzers.Tests.Model.Locks;

/// <summary>
/// The collector the lock rules share: a tree is read once, whoever asks, from however many
/// threads; a reading cancelled (the IDE cancels freely) does not stay in the way of the next caller.
/// </summary>
public class LockFactsCollectorTests
{
    private static CSharpCompilation Compile(int files) => CSharpCompilation.Create(
        "Locks",
        Enumerable.Range(0, files).Select(i => CSharpSyntaxTree.ParseText($$"""
            class Service{{i}}
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                void Post() { lock (_a) { lock (_b) { } } }
                void Audit() { lock (_b) { Touch(); } }
                void Touch() { }
                int Plain(int x) => x + 1;
            }
            """, path: $"Service{i}.cs")),
        TestReferences.Framework,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    [Fact]
    public void A_tree_whose_reading_was_cancelled_is_read_again_for_the_next_caller()
    {
        var compilation = Compile(1);
        var collector = LockFactsCollector.For(compilation);
        var model = compilation.GetSemanticModel(compilation.SyntaxTrees.Single());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => collector.CollectTree(model, cancelled.Token));

        var facts = collector.CollectTree(model, CancellationToken.None).SelectMany(member => member).ToList();
        Assert.Equal(new[] { "Audit", "Post" }, facts.Select(f => f.Owner.Name).OrderBy(n => n, StringComparer.Ordinal));
        var edge = Assert.Single(facts.SelectMany(f => f.Nested));
        Assert.Equal(("_a", "_b"), (edge.Held.Name, edge.Taken.Name));
        Assert.Equal("Touch", Assert.Single(facts.SelectMany(f => f.HeldCalls)).Callee.Name);
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void Threads_reading_the_same_trees_get_one_reading_of_each()
    {
        var compilation = Compile(64);
        var collector = LockFactsCollector.For(compilation);
        var trees = compilation.SyntaxTrees.ToArray();
        var readings = new IReadOnlyList<ImmutableArray<MethodLockFacts>>[8][];
        Parallel.For(0, readings.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            // Each thread in its own order, so they meet on trees being read.
            readings[thread] = trees
                .Select((tree, i) => (tree, i))
                .OrderBy(t => (t.i * (thread + 1)) % trees.Length)
                .Select(t => (t.i, facts: collector.CollectTree(compilation.GetSemanticModel(t.tree), CancellationToken.None)))
                .OrderBy(t => t.i)
                .Select(t => t.facts)
                .ToArray();
        });

        for (var i = 0; i < trees.Length; i++)
        {
            Assert.Equal(2, readings[0][i].Count); // Post and Audit: the members with lock syntax
            foreach (var reading in readings)
            {
                Assert.Same(readings[0][i], reading[i]);
            }
        }

        Assert.Equal(2 * trees.Length, collector.All().Count);
    }
}
