using Concurrency.Analyzers.Model.Tasks;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Tests.Model.Tasks;

/// <summary>
/// What a hub coroutine is, on real code against the real runtime: each probe <c>P("name")</c> is
/// in a coroutine or not, and the syntactic pre-check never rules out one that is.
/// </summary>
public class HubCoroutinesTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Concurrency.Runtime.Coroutines;

        static class Other { public static async Task Entry() { C.P("method-group-other-file"); await Task.Yield(); } }

        class C
        {
            public static void P(string name) { }

            static async Task Worker() { P("method-group"); await Task.Yield(); }
            static async Task NotGiven() { P("never-given"); await Task.Yield(); }

            static void Main(List<int> items)
            {
                P("caller");
                Hub.Run(async () =>
                {
                    P("run");
                    items.ForEach(i => P("foreach"));
                    await Task.Run(() => P("task-run"));
                    Func<Task> stored = async () => { P("stored"); await Task.Yield(); };
                    var g = Hub.Spawn<int>(() => { P("spawn-of-t-sync"); return Task.FromResult(1); });
                    Hub.Spawn(Local);
                    Hub.Spawn(Worker);
                    Hub.Spawn(Other.Entry);
                    Hub.Spawn(async () => { Hub.Spawn(delegate { P("nested-anonymous"); return Task.CompletedTask; }); await g; });
                    async Task Local() { P("local-method-group"); await Task.Yield(); }
                });
                P("after-run");
            }
        }
        """;

    [Theory]
    [InlineData("run", true)]
    [InlineData("foreach", true)]
    [InlineData("spawn-of-t-sync", true)]
    [InlineData("local-method-group", true)]
    [InlineData("method-group", true)]
    [InlineData("method-group-other-file", true)]
    [InlineData("nested-anonymous", true)]
    [InlineData("task-run", false)]
    [InlineData("stored", false)]
    [InlineData("caller", false)]
    [InlineData("after-run", false)]
    [InlineData("never-given", false)]
    public void A_probe_is_in_a_coroutine_exactly_when_the_hub_runs_it(string probe, bool expected)
    {
        var (hubs, operation, containing) = Probe(probe);
        Assert.Equal(expected, hubs.IsInCoroutine(operation, containing));
        if (expected)
        {
            Assert.True(hubs.MayBeInCoroutine(operation.Syntax), $"the syntactic pre-check rules out '{probe}'");
        }
    }

    [Fact]
    public void Without_the_runtime_there_is_no_hub()
    {
        var compilation = CSharpCompilation.Create("NoHub", new[] { CSharpSyntaxTree.ParseText("class C { }") }, TestReferences.Framework);
        var hubs = HubCoroutines.For(compilation);
        Assert.False(hubs.HubExists);
        Assert.False(hubs.MayBeInCoroutine(compilation.SyntaxTrees[0].GetRoot()));
    }

    private static (HubCoroutines Hubs, IOperation Operation, ISymbol Containing) Probe(string name)
    {
        var tree = CSharpSyntaxTree.ParseText(Source);
        var compilation = CSharpCompilation.Create(
            "Hubs",
            new[] { tree },
            TestReferences.Framework.Add(TestReferences.Runtime),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);
        var call = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Single(i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "P" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "P" }
                && i.ArgumentList.Arguments[0].ToString() == $"\"{name}\"");
        var operation = (IInvocationOperation)model.GetOperation(call)!;
        var containing = model.GetEnclosingSymbol(call.SpanStart)!;
        while (containing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            containing = containing.ContainingSymbol;
        }

        return (HubCoroutines.For(compilation), operation, containing);
    }
}
