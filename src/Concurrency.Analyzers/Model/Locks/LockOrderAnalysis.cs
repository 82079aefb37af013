using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// CONC101's two questions over the lock facts, for its two analyzers: the inversions visible inside
/// one type (its own code, calls to its own methods; reported while typing), and the rest of the
/// compilation's (every call, virtual dispatch included; reported at compilation end) — and the
/// diagnostic each inversion becomes, with its fix.
/// </summary>
internal static class LockOrderAnalysis
{
    /// <summary>The inversions among one type's own code, following calls to its own methods only.</summary>
    [MethodImpl(HotPath.Optimized)]
    public static List<LockOrderGraph.Inversion> WithinType(LockFactsCollector collector, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var list = collector.Of(type);
        if (list.Sum(f => f.Nested.Count + f.HeldCalls.Count) < 2)
        {
            return new List<LockOrderGraph.Inversion>(); // a cycle needs two edges at least
        }

        var edges = LockOrderGraph.Edges(list, collector.Targets(list, type), cancellationToken);
        return edges.Count == 0 ? new List<LockOrderGraph.Inversion>() : LockOrderGraph.Inversions(edges, MonitorLocks(list), cancellationToken);
    }

    /// <summary>
    /// The inversions among <paramref name="all"/>, the facts of the whole compilation, that
    /// <see cref="WithinType"/> does not find already.
    /// </summary>
    public static IEnumerable<LockOrderGraph.Inversion> AcrossTypes(LockFactsCollector collector, List<MethodLockFacts> all, CancellationToken cancellationToken)
    {
        var edges = LockOrderGraph.Edges(all, collector.Targets(all), cancellationToken);
        if (edges.Count == 0)
        {
            return Enumerable.Empty<LockOrderGraph.Inversion>();
        }

        var inversions = LockOrderGraph.Inversions(edges, MonitorLocks(all), cancellationToken);

        // Sites the per-type analysis reports already, found again for the types in question only.
        var types = new HashSet<INamedTypeSymbol?>(inversions.Select(i => i.Edge.Site.Type), SymbolEqualityComparer.Default);
        var withinTypes = new HashSet<Location>(types
            .OfType<INamedTypeSymbol>()
            .SelectMany(type => WithinType(collector, type, cancellationToken))
            .Select(i => i.Edge.Location));
        return inversions.Where(inversion => !withinTypes.Contains(inversion.Edge.Location));
    }

    /// <summary>The diagnostic of a call that passes two locked objects in the order another call reverses (no fix: the order is the caller's to choose).</summary>
    public static Diagnostic Diagnose(DiagnosticDescriptor descriptor, ArgumentOrderInversions.Inversion inversion) =>
        Diagnostic.Create(
            descriptor,
            inversion.Site,
            new[] { inversion.Other },
            LockOrderInversionFix.None.ToProperties(),
            inversion.Taken,
            inversion.Held,
            $"{inversion.OtherMember} ({OperationHelpers.Place(inversion.Other)})",
            "");

    /// <summary>The diagnostic of an inversion: the site, the way back as additional locations, the fix.</summary>
    public static Diagnostic Diagnose(DiagnosticDescriptor descriptor, LockOrderGraph.Inversion inversion)
    {
        var edge = inversion.Edge;
        var fix = inversion.Fix switch
        {
            LockOrderInversionFixKind.Swap => LockOrderInversionFix.Swap,
            LockOrderInversionFixKind.Wrap when edge.Taken.Field is { } field => LockOrderInversionFix.Wrap(field, edge.Outer.SpanStart, inversion.Rank),
            _ => LockOrderInversionFix.None,
        };

        return Diagnostic.Create(
            descriptor,
            edge.Location,
            inversion.Back.Select(e => e.Location),
            fix.ToProperties(),
            edge.Taken.DisplayFrom(edge.Site.Type),
            edge.Held.DisplayFrom(edge.Site.Type),
            string.Join(" → ", inversion.Back.Select(e => $"{e.Site.Member} ({OperationHelpers.Place(e.Location)})")),
            Through(edge));
    }

    // " (Audit() → Write())" after the lock a site takes through calls; nothing for one it takes itself.
    private static string Through(LockEdge edge) => edge.Through is { Length: > 0 } through ? $" ({through})" : "";

    // Locks taken with lock statements somewhere: reentrant, so a fix may take them around another.
    private static HashSet<LockId> MonitorLocks(IEnumerable<MethodLockFacts> facts)
    {
        var locks = new HashSet<LockId>();
        foreach (var fact in facts)
        {
            locks.UnionWith(fact.MonitorLocks);
        }

        return locks;
    }

}
