using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Locks;

/// <summary>
/// CONC101: lock-order inversion. Per compilation, the graph "B is acquired while A is held" is
/// built from nested lock regions and from calls made while holding a lock (with the summaries of
/// the locks each method of the compilation takes, transitively). Every cycle — of two locks or
/// more — is a possible deadlock: each acquisition that is an edge of a cycle is reported, with
/// the sites that close the cycle as additional locations. Runs at compilation end (in the IDE with
/// full-solution analysis, and in every build).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderInversionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// Diagnostic property: <c>Swap</c> when this site takes two locks in the minority order (or, on a
    /// tie, against their declaration order) as directly nested <c>lock</c> statements, so swapping
    /// them brings it to the dominant order; else <c>None</c>.
    /// </summary>
    public const string FixProperty = "Fix";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.LockOrderInversion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var locks = new LockSymbols(start.Compilation);
            var regions = new LockRegions(start.Compilation, locks, followAllCalls: true);
            var edges = new ConcurrentBag<Edge>();
            start.RegisterOperationBlockAction(block =>
            {
                foreach (var body in block.OperationBlocks)
                {
                    CollectEdges(body, block.OwningSymbol, regions, edges, block.CancellationToken);
                }
            });
            start.RegisterCompilationEndAction(end => ReportCycles(end, edges.ToList()));
        });
    }

    private static void CollectEdges(IOperation body, ISymbol owner, LockRegions regions, ConcurrentBag<Edge> edges, System.Threading.CancellationToken cancellationToken)
    {
        var member = $"{owner.ContainingType?.Name}.{owner.Name}";
        foreach (var (held, region, acquisition) in regions.HeldRegions(body))
        {
            foreach (var operation in OperationHelpers.RunBy(region))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case ILockOperation inner when LockRegions.FieldOf(inner.LockedValue) is { } taken && !SymbolEqualityComparer.Default.Equals(taken, held):
                        edges.Add(new Edge(held, taken, inner.LockedValue.Syntax.GetLocation(), member) { DirectlyNested = IsDirectlyNested(acquisition.Syntax, inner.Syntax) });
                        break;
                    case IInvocationOperation call when regions.LockTaken(call) is { } taken:
                        if (!SymbolEqualityComparer.Default.Equals(taken, held))
                        {
                            edges.Add(new Edge(held, taken, call.Syntax.GetLocation(), member));
                        }

                        break;
                    case IInvocationOperation call:
                        foreach (var pair in regions.AcquiredBy(call.TargetMethod, 0, ImmutableHashSet<IMethodSymbol>.Empty.WithComparer(SymbolEqualityComparer.Default), cancellationToken))
                        {
                            if (!SymbolEqualityComparer.Default.Equals(pair.Key, held))
                            {
                                edges.Add(new Edge(held, pair.Key, call.Syntax.GetLocation(), member));
                            }
                        }

                        break;
                }
            }
        }
    }

    private static void ReportCycles(CompilationAnalysisContext context, List<Edge> edges)
    {
        var comparer = SymbolEqualityComparer.Default;
        var successors = new Dictionary<IFieldSymbol, List<Edge>>(comparer);
        foreach (var edge in edges)
        {
            if (!successors.TryGetValue(edge.Held, out var list))
            {
                successors[edge.Held] = list = new List<Edge>();
            }

            list.Add(edge);
        }

        var reported = new HashSet<Location>();
        foreach (var edge in edges.OrderBy(e => e.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(e => e.Location.SourceSpan.Start))
        {
            context.CancellationToken.ThrowIfCancellationRequested();

            // A path back from the lock taken to the lock held closes a cycle.
            if (PathBack(edge.Taken, edge.Held, successors, comparer) is not { } back || !reported.Add(edge.Location))
            {
                continue;
            }

            var opposite = string.Join(" → ", back.Select(e => $"{e.Member} ({OperationHelpers.Place(e.Location)})"));
            var swap = back.Count == 1 && edge.DirectlyNested && IsMinorityOrder(edge, edges, comparer);
            context.ReportDiagnostic(Diagnostic.Create(
                RuleDescriptors.LockOrderInversion,
                edge.Location,
                back.Select(e => e.Location),
                ImmutableDictionary<string, string?>.Empty.Add(FixProperty, swap ? "Swap" : "None"),
                edge.Taken.Name,
                edge.Held.Name,
                opposite));
        }
    }

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));

    /// <summary>
    /// Whether the edge's order is the one to change: fewer sites take the two locks this way than the
    /// other way, or as many, and this way goes against the order the fields are declared in.
    /// </summary>
    private static bool IsMinorityOrder(Edge edge, List<Edge> edges, SymbolEqualityComparer comparer)
    {
        var thisWay = edges.Count(e => comparer.Equals(e.Held, edge.Held) && comparer.Equals(e.Taken, edge.Taken));
        var otherWay = edges.Count(e => comparer.Equals(e.Held, edge.Taken) && comparer.Equals(e.Taken, edge.Held));
        if (thisWay != otherWay)
        {
            return thisWay < otherWay;
        }

        return DeclarationOrder(edge.Taken).CompareTo(DeclarationOrder(edge.Held)) < 0;
    }

    private static (string Path, int Position) DeclarationOrder(IFieldSymbol field) =>
        field.Locations.FirstOrDefault() is { IsInSource: true } location
            ? (location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan.Start)
            : (string.Empty, 0);

    /// <summary>The shortest chain of edges from <paramref name="from"/> to <paramref name="to"/>, or null.</summary>
    private static List<Edge>? PathBack(IFieldSymbol from, IFieldSymbol to, Dictionary<IFieldSymbol, List<Edge>> successors, SymbolEqualityComparer comparer)
    {
        var previous = new Dictionary<IFieldSymbol, Edge>(comparer);
        var queue = new Queue<IFieldSymbol>();
        queue.Enqueue(from);
        var seen = new HashSet<IFieldSymbol>(comparer) { from };
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (comparer.Equals(node, to))
            {
                var path = new List<Edge>();
                for (var current = to; !comparer.Equals(current, from); current = previous[current].Held)
                {
                    path.Insert(0, previous[current]);
                }

                return path;
            }

            if (!successors.TryGetValue(node, out var next))
            {
                continue;
            }

            foreach (var edge in next.Where(e => seen.Add(e.Taken)))
            {
                previous[edge.Taken] = edge;
                queue.Enqueue(edge.Taken);
            }
        }

        return null;
    }

    /// <summary>"<see cref="Taken"/> is acquired while <see cref="Held"/> is held", at <see cref="Location"/> in <see cref="Member"/>.</summary>
    private sealed class Edge
    {
        public Edge(IFieldSymbol held, IFieldSymbol taken, Location location, string member)
        {
            Held = held;
            Taken = taken;
            Location = location;
            Member = member;
        }

        public IFieldSymbol Held { get; }

        public IFieldSymbol Taken { get; }

        public Location Location { get; }

        public string Member { get; }

        /// <summary>The acquisition is a <c>lock</c> statement that is the whole body of the <c>lock</c> holding the other lock.</summary>
        public bool DirectlyNested { get; set; }
    }
}
