using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC101 over the whole compilation: the graph "B is acquired while A is held" from nested
/// acquisitions and from calls made while holding a lock to any method of the compilation (virtual
/// and interface calls reach the overrides and implementations below the receiver's static type),
/// and every cycle — of two locks or more — that is not already visible inside one type
/// (<see cref="LockOrderInversionAnalyzer"/> reports those while typing). Runs at compilation end: in
/// every build, and in the IDE with full-solution analysis.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderInversionAcrossTypesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.LockOrderInversionAcrossTypes);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var collector = LockFactsCollector.For(start.Compilation);

            // The trees to read (not generated code). They are read at the end, where the live
            // analyzer and CONC102 have usually read them already: the collector keeps the facts of
            // every member with lock syntax (the others are read only if a call made under a lock
            // reaches them).
            var trees = new ConcurrentBag<SyntaxTree>();
            start.RegisterSyntaxTreeAction(tree => trees.Add(tree.Tree));
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var tree in trees)
                {
                    collector.CollectTree(tree, end.CancellationToken);
                }

                var all = collector.All();
                foreach (var inversion in LockOrderAnalysis.AcrossTypes(collector, all, end.CancellationToken))
                {
                    end.ReportDiagnostic(LockOrderAnalysis.Diagnose(RuleDescriptors.LockOrderInversionAcrossTypes, inversion));
                }

                // Locks on parameters: the callers choose the order (the bank transfer).
                foreach (var inversion in ArgumentOrderInversions.Find(end.Compilation, all, trees, end.CancellationToken))
                {
                    end.ReportDiagnostic(LockOrderAnalysis.Diagnose(RuleDescriptors.LockOrderInversionAcrossTypes, inversion));
                }
            });
        });
    }
}
