using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC209: a task thrown away on purpose — <c>_ = Task.Run(…)</c>, <c>_ = SaveAsync()</c>,
/// <c>var _ = …</c>, and a runtime future: <c>_ = executor.Submit(…)</c>. The user said "fire and forget", but nobody will see the task fail. A
/// suggestion (Info), its own id so teams can raise it; not reported when the discarded work
/// observes its own failures (its body is one <c>try</c> that catches every exception, or it is a
/// continuation that runs only on a fault).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedTaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.DiscardedTask, RuleDescriptors.DiscardedFuture);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (TaskObservation.For(start.Compilation) is not { } observation)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeDiscard(c, observation), OperationKind.SimpleAssignment);
            start.RegisterOperationAction(c => AnalyzeDiscardLocal(c, observation), OperationKind.VariableDeclarator);
        });
    }

    // _ = Work();
    private static void AnalyzeDiscard(OperationAnalysisContext context, TaskObservation observation)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IDiscardOperation && assignment.Parent is IExpressionStatementOperation statement)
        {
            Analyze(context, observation, assignment.Value, statement, assignment.Syntax, canAwait: true);
        }
    }

    // var _ = Work();
    private static void AnalyzeDiscardLocal(OperationAnalysisContext context, TaskObservation observation)
    {
        var declarator = (IVariableDeclaratorOperation)context.Operation;
        if (declarator.Symbol.Name == "_" && declarator.Initializer?.Value is { } value)
        {
            Analyze(context, observation, value, declarator, declarator.Syntax, canAwait: false);
        }
    }

    private static void Analyze(OperationAnalysisContext context, TaskObservation observation, IOperation value, IOperation site, SyntaxNode reported, bool canAwait)
    {
        if (observation.WorkCall(value) is not { } call || TaskObservation.HandlesOwnFailures(call, context.CancellationToken))
        {
            return;
        }

        var fix = canAwait && AsyncCode.IsInAsyncCode(site, context.ContainingSymbol) && AsyncCode.CanAwaitAt(site)
            ? DiscardedTaskFixKind.Await
            : DiscardedTaskFixKind.None;
        context.ReportDiagnostic(Diagnostic.Create(
            observation.Tasks.IsFuture(call.Type) ? RuleDescriptors.DiscardedFuture : RuleDescriptors.DiscardedTask,
            reported.GetLocation(),
            new DiscardedTaskFix(fix).ToProperties(),
            TaskObservation.Name(call)));
    }
}
