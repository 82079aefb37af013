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
                    foreach (var inversion in LockOrderAnalysis.WithinType(collector, type, model.CancellationToken))
                    {
                        if (inversion.Edge.Location.SourceTree == tree)
                        {
                            model.ReportDiagnostic(LockOrderAnalysis.Diagnose(RuleDescriptors.LockOrderInversion, inversion));
                        }
                    }
                }
            });
        });
    }
}
