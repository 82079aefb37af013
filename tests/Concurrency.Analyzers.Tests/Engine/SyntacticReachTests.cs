using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Tests.Engine;

/// <summary>
/// Which methods may reach a site through calls, by names alone — here the sites are <c>lock</c>
/// statements. A wrong "cannot reach" would hide a lock from CONC101's summaries, so the cases are
/// the calls that name their target in unusual ways (properties, indexers, constructors, target-typed
/// <c>new()</c>, query syntax, collection initializers, explicit implementations) beside the methods
/// that really cannot reach one.
/// </summary>
public class SyntacticReachTests
{
    private static (CSharpCompilation Compilation, SyntacticReach Reach) Build(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: "Code.cs");
        var compilation = CSharpCompilation.Create("Reach", new[] { tree }, TestReferences.Framework, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var reach = SyntacticReach.Build(compilation, LockStatements, CancellationToken.None);
        return (compilation, reach);
    }

    private static int[] LockStatements(SyntaxTree tree, CancellationToken cancellationToken) =>
        tree.GetRoot(cancellationToken).DescendantNodes().OfType<LockStatementSyntax>().Select(l => l.SpanStart).ToArray();

    private static IMethodSymbol Method(Compilation compilation, string type, string name) =>
        compilation.GetTypeByMetadataName(type)!.GetMembers(name).OfType<IMethodSymbol>().Single();

    [Fact]
    public void A_method_reaches_through_a_chain_of_calls_and_one_without_a_lock_below_it_does_not()
    {
        var (compilation, reach) = Build("""
            class Service
            {
                private readonly object _gate = new object();
                public void Top() => Middle();
                private void Middle() { if (true) Bottom(); }
                private void Bottom() { lock (_gate) { } }
                public void Format() => Trim();
                private string Trim() => "x".Trim();
            }
            """);

        Assert.True(reach.MayReach(Method(compilation, "Service", "Top")));
        Assert.True(reach.MayReach(Method(compilation, "Service", "Middle")));
        Assert.True(reach.MayReach(Method(compilation, "Service", "Bottom")));
        Assert.False(reach.MayReach(Method(compilation, "Service", "Format")));
        Assert.False(reach.MayReach(Method(compilation, "Service", "Trim")));
    }

    [Fact]
    public void Properties_indexers_and_constructors_reach_and_so_do_their_callers()
    {
        var (compilation, reach) = Build("""
            class Cache
            {
                private readonly object _gate = new object();
                private readonly int[] _items = new int[4];
                public Cache() { lock (_gate) { } }
                public int Count { get { lock (_gate) { return 1; } } }
                public int this[int i] { get { lock (_gate) { return _items[i]; } } }
                public int Plain => 0;
            }

            class Client
            {
                int ReadsCount(Cache c) => c.Count;
                int ReadsItem(Cache c) => c[0];
                Cache Creates() => new Cache();
                Cache CreatesTargetTyped() { Cache c = new(); return c; }
                int ReadsPlain(Cache c) => c.Plain;
            }
            """);

        var cache = compilation.GetTypeByMetadataName("Cache")!;
        Assert.True(reach.MayReach(cache.GetMembers("Count").OfType<IPropertySymbol>().Single().GetMethod!));
        Assert.True(reach.MayReach(cache.GetMembers("this[]").OfType<IPropertySymbol>().Single().GetMethod!));
        Assert.True(reach.MayReach(cache.InstanceConstructors.Single()));
        Assert.False(reach.MayReach(cache.GetMembers("Plain").OfType<IPropertySymbol>().Single().GetMethod!));
        foreach (var caller in new[] { "ReadsCount", "ReadsItem", "Creates", "CreatesTargetTyped" })
        {
            Assert.True(reach.MayReach(Method(compilation, "Client", caller)), caller);
        }

        Assert.False(reach.MayReach(Method(compilation, "Client", "ReadsPlain")));
    }

    [Fact]
    public void Calls_that_syntax_makes_without_naming_them_reach()
    {
        var (compilation, reach) = Build("""
            using System;
            using System.Collections;
            using System.Collections.Generic;

            static class Locked
            {
                private static readonly object Gate = new object();
                public static Locked<T> Select<T>(this Locked<T> source, Func<T, T> f) { lock (Gate) { return source; } }
            }

            class Locked<T> { }

            class Bag : IEnumerable<int>
            {
                private readonly object _gate = new object();
                public void Add(int item) { lock (_gate) { } }
                public IEnumerator<int> GetEnumerator() { yield break; }
                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
            }

            interface IWork { void Run(); }

            class Work : IWork
            {
                private readonly object _gate = new object();
                void IWork.Run() { lock (_gate) { } }
            }

            class Client
            {
                Locked<int> Query(Locked<int> source) => from x in source select x;
                Bag Fill() => new Bag { 1, 2 };
                void Runs(IWork work) => work.Run();
                void Idle() { }
            }
            """);

        Assert.True(reach.MayReach(Method(compilation, "Client", "Query")));
        Assert.True(reach.MayReach(Method(compilation, "Client", "Fill")));
        Assert.True(reach.MayReach(Method(compilation, "Client", "Runs")));
        Assert.True(reach.MayReach(compilation.GetTypeByMetadataName("Work")!.GetMembers().OfType<IMethodSymbol>().Single(m => m.MethodKind == MethodKind.ExplicitInterfaceImplementation)));
        Assert.False(reach.MayReach(Method(compilation, "Client", "Idle")));
    }

    [Fact]
    public void Recursion_without_a_lock_does_not_reach_and_recursion_into_one_does()
    {
        var (compilation, reach) = Build("""
            class Walker
            {
                private readonly object _gate = new object();
                int Depth(int n) => n == 0 ? 0 : 1 + Depth(n - 1);
                void Even(int n) { if (n > 0) Odd(n - 1); }
                void Odd(int n) { if (n > 0) Even(n - 1); else Visit(); }
                void Visit() { lock (_gate) { } }
            }
            """);

        Assert.False(reach.MayReach(Method(compilation, "Walker", "Depth")));
        Assert.True(reach.MayReach(Method(compilation, "Walker", "Even")));
        Assert.True(reach.MayReach(Method(compilation, "Walker", "Odd")));
    }
}
