using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC401: a blocking wait on a task (<c>.Result</c>, <c>.Wait(...)</c>,
/// <c>GetAwaiter().GetResult()</c>, <c>Task.WaitAll</c>, <c>Task.WaitAny</c>; a runtime future's <c>Result()</c>
/// or <c>GetException()</c>, <c>Futures.Wait</c>, <c>Futures.AsCompleted</c>) in an async method,
/// lambda, anonymous method or local function, unless the task is certainly complete there
/// (<see cref="CompletedWaits"/>) or the wait is on the synchronous side of a dual path (<see cref="DualPath"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingTaskWaitAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.BlockingTaskWait);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (TaskSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var hubs = HubCoroutines.For(start.Compilation);

            // Syntax first: only a member access or call named like a blocking wait, inside a function
            // declared async, costs a semantic look-up; only a member with a candidate builds a
            // control-flow graph, once.
            start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
            {
                var candidates = new List<BlockingWait>();
                block.RegisterSyntaxNodeAction(
                    node =>
                    {
                        if (CandidateOperation(node.Node, node.SemanticModel, node.CancellationToken) is { } operation
                            && BlockingWait.Classify(operation, symbols) is { } wait
                            && AsyncCode.IsInAsyncCode(wait.Operation, block.OwningSymbol)
                            && !OperationHelpers.IsInsideNameOf(wait.Operation)
                            && !CompletedWaits.IsTriviallyComplete(wait, symbols)
                            && !DualPath.IsSynchronousSide(wait.Operation, block.OwningSymbol)
                            && !hubs.IsInCoroutine(wait.Operation, block.OwningSymbol))
                        {
                            lock (candidates)
                            {
                                candidates.Add(wait);
                            }
                        }
                    },
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxKind.MemberBindingExpression,
                    SyntaxKind.InvocationExpression);

                block.RegisterCodeBlockEndAction(end =>
                {
                    if (candidates.Count > 0)
                    {
                        ReportUnlessComplete(end, candidates, symbols);
                    }
                });
            });
        });
    }

    /// <summary>
    /// The operation of a node whose name is one of the blocking members, else null: <c>x.Result</c>
    /// (the property reference), <c>x.Wait(...)</c>, <c>x.GetResult()</c>, <c>Task.WaitAll/WaitAny(...)</c>
    /// (the invocation), also after <c>?.</c> and through <c>using static</c>.
    /// </summary>
    private static IOperation? CandidateOperation(SyntaxNode node, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        string name;
        SyntaxNode target;
        switch (node)
        {
            case MemberAccessExpressionSyntax access:
                name = access.Name.Identifier.ValueText;
                target = access.Parent is InvocationExpressionSyntax call && call.Expression == access ? call : access;
                break;
            case MemberBindingExpressionSyntax binding:
                name = binding.Name.Identifier.ValueText;
                target = binding.Parent is InvocationExpressionSyntax boundCall && boundCall.Expression == binding ? boundCall : binding;
                break;
            case InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier } invocation:
                name = identifier.Identifier.ValueText;
                target = invocation;
                break;
            default:
                return null;
        }

        var isCandidateName = name switch
        {
            "Result" => true, // a task's property, or a future's method
            "Wait" or "GetResult" or "WaitAll" or "WaitAny" or "GetException" or "AsCompleted" => target is InvocationExpressionSyntax,
            _ => false,
        };

        if (!isCandidateName || !AsyncCode.IsInAsyncFunctionSyntax(target))
        {
            return null;
        }

        // task.Result() calls a delegate the task returns: the wait is the property read under the call.
        var operation = model.GetOperation(target, cancellationToken);
        return name == "Result" && operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke }
            ? model.GetOperation(((InvocationExpressionSyntax)target).Expression, cancellationToken)
            : operation;
    }

    private static void ReportUnlessComplete(CodeBlockAnalysisContext context, List<BlockingWait> candidates, TaskSymbols symbols)
    {
        var completed = new CompletedWaits(symbols, context.CancellationToken);
        foreach (var wait in candidates)
        {
            if (!completed.IsComplete(wait))
            {
                Report(context, wait);
            }
        }
    }

    private static void Report(CodeBlockAnalysisContext context, BlockingWait wait)
    {
        var fix = new BlockingTaskWaitFix(wait.Fix != BlockingTaskWaitFixKind.None && AsyncCode.CanAwaitAt(wait.Operation) ? wait.Fix : BlockingTaskWaitFixKind.None);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.BlockingTaskWait,
            wait.Operation.Syntax.GetLocation(),
            fix.ToProperties(),
            wait.MemberText,
            wait.AlternativeText));
    }
}
