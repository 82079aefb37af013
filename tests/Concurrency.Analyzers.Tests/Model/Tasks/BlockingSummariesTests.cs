using Concurrency.Analyzers.Model.Tasks;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Tests.Model.Tasks;

/// <summary>CONC407's summaries: the chain a message names does not depend on the order methods are asked for in.</summary>
public class BlockingSummariesTests
{
    private const string Source = """
        using System.Threading;
        class Gate { public void Use() => Block.Deeper(); }
        static class Block { public static void Deeper() => Thread.Sleep(1); public static Gate Make() { Deeper(); return new Gate(); } }
        class C { public void Outer() => Block.Make().Use(); }
        """;

    [Fact]
    public void Two_equally_short_chains_are_named_the_same_whichever_is_summarized_first()
    {
        var direct = ChainOf("C.Outer", first: null);
        var afterMake = ChainOf("C.Outer", first: "Block.Make");
        var afterUse = ChainOf("C.Outer", first: "Gate.Use");

        // Make() runs before Use() in 'Make().Use()': the chain through it is the one named, every time.
        Assert.Equal("Block.Make → Block.Deeper → Thread.Sleep", direct);
        Assert.Equal(direct, afterMake);
        Assert.Equal(direct, afterUse);
    }

    private const string HubSource = """
        using System.Threading.Tasks;
        using Concurrency.Runtime.Threading;
        class H
        {
            static readonly Event Ready = new();
            public static async Task Pause() { await Task.Yield(); System.Threading.Thread.Sleep(1); }
            public static void WaitReady() => Ready.Wait();
            public static void Poll() => Ready.Wait(System.TimeSpan.Zero);
        }
        """;

    [Fact]
    public void The_hub_summaries_follow_async_methods_and_the_blocking_table_while_CONC407s_do_not()
    {
        var compilation = CSharpCompilation.Create(
            "Hub",
            new[] { CSharpSyntaxTree.ParseText(HubSource) },
            TestReferences.Framework.Add(TestReferences.Runtime),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var symbols = TaskSymbols.Create(compilation)!;
        var forHub = BlockingSummaries.ForHub(compilation, symbols, NoOptions.Instance);
        var forAsync = BlockingSummaries.For(compilation, symbols, NoOptions.Instance);

        Assert.Equal("Thread.Sleep", forHub.Of(Method(compilation, "H.Pause"), CancellationToken.None)?.PathText);
        Assert.Equal("Event.Wait", forHub.Of(Method(compilation, "H.WaitReady"), CancellationToken.None)?.PathText);
        Assert.Null(forHub.Of(Method(compilation, "H.Poll"), CancellationToken.None));
        Assert.Null(forAsync.Of(Method(compilation, "H.Pause"), CancellationToken.None));
        Assert.Null(forAsync.Of(Method(compilation, "H.WaitReady"), CancellationToken.None));
    }

    private static string? ChainOf(string method, string? first)
    {
        var compilation = CSharpCompilation.Create(
            "Test",
            new[] { CSharpSyntaxTree.ParseText(Source) },
            TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var symbols = TaskSymbols.Create(compilation)!;
        var summaries = BlockingSummaries.For(compilation, symbols, NoOptions.Instance);
        if (first is not null)
        {
            summaries.Of(Method(compilation, first), CancellationToken.None);
        }

        return summaries.Of(Method(compilation, method), CancellationToken.None)?.PathText;
    }

    private static IMethodSymbol Method(Compilation compilation, string name)
    {
        var dot = name.LastIndexOf('.');
        return compilation.GetTypeByMetadataName(name.Substring(0, dot))!.GetMembers(name.Substring(dot + 1)).OfType<IMethodSymbol>().Single();
    }

    private sealed class NoOptions : AnalyzerConfigOptionsProvider
    {
        public static readonly NoOptions Instance = new();

        public override AnalyzerConfigOptions GlobalOptions => Empty.Instance;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty.Instance;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty.Instance;

        private sealed class Empty : AnalyzerConfigOptions
        {
            public static readonly Empty Instance = new();

            public override bool TryGetValue(string key, out string value)
            {
                value = null!;
                return false;
            }
        }
    }
}
