using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC401: a blocking wait on a task (<c>.Result</c>, <c>.Wait(...)</c>,
/// <c>GetAwaiter().GetResult()</c>, <c>Task.WaitAll</c>, <c>Task.WaitAny</c>) in an async method,
/// lambda, anonymous method or local function, unless the task is certainly complete there.
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
                            && !IsTriviallyComplete(wait, symbols))
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
                target = name == "Result" ? access : access.Parent is InvocationExpressionSyntax call && call.Expression == access ? call : access;
                break;
            case MemberBindingExpressionSyntax binding:
                name = binding.Name.Identifier.ValueText;
                target = name == "Result" ? binding : binding.Parent is InvocationExpressionSyntax boundCall && boundCall.Expression == binding ? boundCall : binding;
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
            "Result" => true,
            "Wait" or "GetResult" or "WaitAll" or "WaitAny" => target is InvocationExpressionSyntax,
            _ => false,
        };

        return isCandidateName && AsyncCode.IsInAsyncFunctionSyntax(target) ? model.GetOperation(target, cancellationToken) : null;
    }

    private static void ReportUnlessComplete(CodeBlockAnalysisContext context, List<BlockingWait> candidates, TaskSymbols symbols)
    {
        var graphs = new Dictionary<IOperation, ControlFlowGraph?>();
        var analyses = new Dictionary<SyntaxNode, TaskCompletionAnalysis?>();
        var mentions = new Dictionary<IOperation, HashSet<ISymbol>>();
        foreach (var wait in candidates)
        {
            var function = OperationHelpers.EnclosingFunction(wait.Operation);
            var functionSyntax = function?.Syntax ?? context.CodeBlock;
            var scope = function ?? OperationHelpers.Root(wait.Operation);
            if (!mentions.TryGetValue(scope, out var completing))
            {
                completing = CompletionMentions(scope, symbols);
                mentions[scope] = completing;
            }

            // Most waits in async code are on tasks nothing ever awaits or tests: no flow analysis needed.
            var mayBeComplete = BlockingWait.TaskOperands(wait.Operation, wait.Kind, symbols).Any(o => RootSymbols(o).Any(completing.Contains));
            if (!mayBeComplete)
            {
                Report(context, wait);
                continue;
            }

            if (!analyses.TryGetValue(functionSyntax, out var analysis))
            {
                analysis = null;
                var root = OperationHelpers.Root(wait.Operation);
                if (!graphs.TryGetValue(root, out var rootGraph))
                {
                    rootGraph = ControlFlowGraphs.Create(root, context.CancellationToken);
                    graphs[root] = rootGraph;
                }

                var graph = function is null || rootGraph is null ? rootGraph : ControlFlowGraphs.FindNested(rootGraph, function.Syntax, context.CancellationToken);
                if (graph is not null)
                {
                    analysis = TaskCompletionAnalysis.Run(graph, symbols, context.CancellationToken);
                }

                analyses[functionSyntax] = analysis;
            }

            if (analysis is not null && analysis.IsCertainlyComplete(wait.Operation.Syntax, wait.Operation.Kind, wait.Kind))
            {
                continue;
            }

            Report(context, wait);
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

    /// <summary>
    /// The locals and parameters something in <paramref name="scope"/> could make complete: awaited
    /// (alone, in <c>WhenAll</c>/<c>WhenAny</c>, through <c>ConfigureAwait</c>), tested with
    /// <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>Status</c>, or assigned anything but the
    /// result of an ordinary call. A wait whose task is none of these cannot be proven complete, so
    /// the flow analysis is skipped for it.
    /// </summary>
    private static HashSet<ISymbol> CompletionMentions(IOperation scope, TaskSymbols symbols)
    {
        var found = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in scope.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IAwaitOperation awaitOperation:
                    found.UnionWith(awaitOperation.Operation.DescendantsAndSelf().Select(OperationHelpers.ReferencedLocalOrParameter).OfType<ISymbol>());
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "Status", Instance: { } instance }
                    when OperationHelpers.ReferencedLocalOrParameter(instance) is { } tested:
                    found.Add(tested);
                    break;
                case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedLocalOrParameter(assignment.Target) is { } target && MayBeComplete(assignment.Value, symbols):
                    found.Add(target);
                    break;
                case IVariableDeclaratorOperation { Initializer.Value: var value } declarator when MayBeComplete(value, symbols):
                    found.Add(declarator.Symbol);
                    break;
            }
        }

        return found;
    }

    // Anything but an ordinary call (whose task nothing is known about) may be a complete task.
    private static bool MayBeComplete(IOperation value, TaskSymbols symbols) =>
        OperationHelpers.WalkDownConversion(value) is not IInvocationOperation invocation
        || (invocation.TargetMethod.IsStatic && symbols.IsTaskLike(invocation.TargetMethod.ContainingType)
            && invocation.TargetMethod.Name is "FromResult" or "FromException" or "FromCanceled");

    /// <summary>The locals and parameters a task operand stands on: itself, or the collection it is an element of or iterates.</summary>
    private static IEnumerable<ISymbol> RootSymbols(IOperation operand)
    {
        switch (OperationHelpers.WalkDownConversion(operand))
        {
            case IArrayElementReferenceOperation element when OperationHelpers.ReferencedLocalOrParameter(element.ArrayReference) is { } array:
                yield return array;
                break;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } when OperationHelpers.ReferencedLocalOrParameter(list) is { } collection:
                yield return collection;
                break;
            case var other when OperationHelpers.ReferencedLocalOrParameter(other) is { } symbol:
                yield return symbol;
                if (symbol is ILocalSymbol { DeclaringSyntaxReferences.Length: 1 } local
                    && local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax forEach
                    && other.SemanticModel?.GetSymbolInfo(forEach.Expression).Symbol is ILocalSymbol or IParameterSymbol)
                {
                    yield return other.SemanticModel.GetSymbolInfo(forEach.Expression).Symbol!;
                }

                break;
        }
    }

    /// <summary><c>Task.FromResult(1).Result</c>, <c>Task.CompletedTask.Wait()</c> and the like, without any flow analysis.</summary>
    private static bool IsTriviallyComplete(BlockingWait wait, TaskSymbols symbols)
    {
        var operands = BlockingWait.TaskOperands(wait.Operation, wait.Kind, symbols);
        return !operands.IsEmpty && operands.All(o => o switch
        {
            IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } method } => symbols.IsTaskLike(method.ContainingType),
            IPropertyReferenceOperation { Property: { IsStatic: true, Name: "CompletedTask" } property } => symbols.IsTaskLike(property.ContainingType),
            IParameterReferenceOperation parameter => IsContinuationAntecedent(parameter, symbols),
            _ => false,
        });
    }

    /// <summary>
    /// <c>t.ContinueWith(async antecedent => ... antecedent.Result)</c>: a continuation runs after its
    /// antecedent has completed, so reading the antecedent does not block.
    /// </summary>
    private static bool IsContinuationAntecedent(IParameterReferenceOperation reference, TaskSymbols symbols)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda)
            {
                return lambda.Symbol.Parameters.Length > 0
                    && SymbolEqualityComparer.Default.Equals(lambda.Symbol.Parameters[0], reference.Parameter)
                    && lambda.Parent?.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ContinueWith" } continuation }
                    && symbols.IsTask(continuation.TargetMethod.ContainingType);
            }
        }

        return false;
    }
}
