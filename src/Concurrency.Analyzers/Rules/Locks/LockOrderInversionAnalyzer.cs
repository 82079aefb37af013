using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC101 while typing: lock-order inversions visible inside one type — nested acquisitions and
/// calls to the type's own methods made while holding a lock. Runs per syntax tree (a semantic
/// model action, over all the parts of the tree's types), so the IDE reports these as you type;
/// <see cref="LockOrderInversionAcrossTypesAnalyzer"/> finds the rest over the whole compilation at
/// its end.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderInversionAnalyzer : DiagnosticAnalyzer
{
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
            var collector = LockFactsCollector.For(start.Compilation);

            // Per tree, so the IDE reports these while typing: the types whose code in the tree takes
            // locks, each with all its parts; a site is reported by the tree it is in.
            start.RegisterSemanticModelAction(model =>
            {
                var tree = model.SemanticModel.SyntaxTree;
                foreach (var type in collector.TypesIn(model.SemanticModel, model.CancellationToken))
                {
                    foreach (var inversion in WithinType(collector, type, collector.Of(type), model.CancellationToken))
                    {
                        if (inversion.Edge.Location.SourceTree == tree)
                        {
                            model.ReportDiagnostic(Create(RuleDescriptors.LockOrderInversion, inversion));
                        }
                    }
                }
            });
        });
    }

    /// <summary>The inversions among one type's own code, following calls to its own methods only.</summary>
    [MethodImpl(HotPath.Optimized)]
    internal static List<LockOrderGraph.Inversion> WithinType(LockFactsCollector collector, INamedTypeSymbol type, IEnumerable<MethodLockFacts> facts, System.Threading.CancellationToken cancellationToken)
    {
        var list = facts.ToList();
        if (list.Sum(f => f.Nested.Count + f.HeldCalls.Count) < 2)
        {
            return new List<LockOrderGraph.Inversion>(); // a cycle needs two edges at least
        }

        var edges = LockOrderGraph.Edges(list, collector.Targets(list, type), cancellationToken);
        return edges.Count == 0 ? new List<LockOrderGraph.Inversion>() : LockOrderGraph.Inversions(edges, MonitorLocks(list), cancellationToken);
    }

    internal static HashSet<IFieldSymbol> MonitorLocks(IEnumerable<MethodLockFacts> facts)
    {
        var locks = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var fact in facts)
        {
            locks.UnionWith(fact.MonitorLocks);
        }

        return locks;
    }

    // A field of the site's own type by its name, another type's as Type.Field.
    private static string Display(IFieldSymbol field, INamedTypeSymbol? site) =>
        SymbolEqualityComparer.Default.Equals(field.ContainingType, site) ? field.Name : $"{field.ContainingType.Name}.{field.Name}";

    internal static Diagnostic Create(DiagnosticDescriptor descriptor, LockOrderGraph.Inversion inversion)
    {
        var edge = inversion.Edge;
        var fix = inversion.Fix switch
        {
            LockOrderInversionFixKind.Swap => LockOrderInversionFix.Swap,
            LockOrderInversionFixKind.Wrap => LockOrderInversionFix.Wrap(edge.Taken, edge.Outer.SpanStart, inversion.Rank),
            _ => LockOrderInversionFix.None,
        };

        return Diagnostic.Create(
            descriptor,
            edge.Location,
            inversion.Back.Select(e => e.Location),
            fix.ToProperties(),
            Display(edge.Taken, edge.Site.Type),
            Display(edge.Held, edge.Site.Type),
            string.Join(" → ", inversion.Back.Select(e => $"{e.Site.Member} ({OperationHelpers.Place(e.Location)})")));
    }
}
