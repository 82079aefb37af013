using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC202: a worker started and joined in the same iteration of a loop — <c>t.Start(); … t.Join();</c>
/// on a BCL or runtime thread or process, <c>Process.Start(…).WaitForExit()</c>, and in synchronous
/// code <c>Task.Run(…).Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>. Each worker ends
/// before the next starts, so the loop is serial (course topic 2.7). Reported at the join. A loop
/// that leaves after the join (<c>break</c>, <c>return</c>: a retry loop, one attempt at a time on
/// purpose) is not reported, nor is a join in another loop or after the loop.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SerialStartJoinAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> JoinNames =
        WorkerApi.NamesOf(WorkerApi.Role.Join).Union(WorkerApi.NamesOf(WorkerApi.Role.Result));

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SerialStartJoin);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var model = new IterationWorkers(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, model), SyntaxKind.SimpleMemberAccessExpression);
        });
    }

    // Every join is a member access: 't.Join()', 'Task.Run(…).Result', '….GetAwaiter().GetResult()'.
    private static void Analyze(SyntaxNodeAnalysisContext context, IterationWorkers workers)
    {
        var access = (MemberAccessExpressionSyntax)context.Node;
        if (!JoinNames.Contains(access.Name.Identifier.ValueText) || !LoopIterations.IsInLoopSyntax(access))
        {
            return;
        }

        var join = access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access ? (SyntaxNode)invocation : access;
        var operation = context.SemanticModel.GetOperation(join, context.CancellationToken);
        if (operation is null || context.ContainingSymbol is not { } member || workers.WorkerOf(operation) is not { } worker)
        {
            return;
        }

        var isTask = workers.IsTask(worker.Type);
        if (isTask && AsyncCode.IsInAsyncCode(operation, member))
        {
            return; // CONC401 reports blocking on a task in async code.
        }

        if (LoopIterations.InnermostLoop(operation) is not { } loop || !LoopIterations.Contains(loop.Body, operation) || !workers.IsStartedIn(loop, worker, operation, workers.StartsAndReturns) || LoopIterations.LeavesAfter(loop, operation))
        {
            return;
        }

        var fix = FixFor(context.SemanticModel, loop, operation, worker, isTask, context.CancellationToken);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.SerialStartJoin,
            Location.Create(join.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, join.Span.End)),
            fix.ToProperties(),
            access.Name.Identifier.ValueText));
    }

    private static SerialStartJoinFix FixFor(SemanticModel model, ILoopOperation loop, IOperation join, WaitedWorker worker, bool isTask, System.Threading.CancellationToken cancellationToken)
    {
        // The join is a statement of its own, in the loop's body, of a loop in a block; parameterless
        // (a timeout or a result is something the iteration uses).
        if (join is not IInvocationOperation { Parent: IExpressionStatementOperation { Syntax: StatementSyntax statement } } call
            || call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue)
            || !LoopIterations.IsBodyStatement(loop, statement)
            || !LoopIterations.IsStatementOfABlock(loop)
            || worker.Type is null
            || worker.Local is { } local && LoopIterations.UsedAfter(loop, join, local)
            || LoopIterations.SharesChangingVariables(model, loop, cancellationToken))
        {
            return SerialStartJoinFix.None;
        }

        return isTask
            ? new SerialStartJoinFix(SerialStartJoinFixKind.WaitAll, "global::" + KnownTypes.Bcl.Task)
            : new SerialStartJoinFix(SerialStartJoinFixKind.JoinEach, worker.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }
}
