using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// Which blocking waits cannot block because their tasks are complete — the one answer CONC401 and
/// CONC407 (in the async code and inside the callees it summarizes) share: trivially
/// (<c>Task.FromResult(1).Result</c>, a continuation's antecedent), or proven by
/// <see cref="TaskCompletionAnalysis"/> on the function's control-flow graph. Graphs and analyses are
/// built only for a wait whose task something in its function could complete, and once per
/// function. One instance per code block or body read; not thread-safe.
/// </summary>
internal sealed class CompletedWaits
{
    private readonly TaskSymbols _symbols;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IOperation, ControlFlowGraph?> _graphs = new();
    private readonly Dictionary<SyntaxNode, TaskCompletionAnalysis?> _analyses = new();
    private readonly Dictionary<IOperation, HashSet<ISymbol>> _mentions = new();

    public CompletedWaits(TaskSymbols symbols, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Whether every task <paramref name="wait"/> waits on is certainly complete where it waits.</summary>
    public bool IsComplete(BlockingWait wait)
    {
        if (IsTriviallyComplete(wait, _symbols))
        {
            return true;
        }

        var function = OperationHelpers.EnclosingFunction(wait.Operation);
        var root = OperationHelpers.Root(wait.Operation);
        var scope = function ?? root;
        if (!_mentions.TryGetValue(scope, out var completing))
        {
            completing = CompletionMentions(scope, _symbols);
            _mentions[scope] = completing;
        }

        // Most waits are on tasks nothing ever awaits or tests: no flow analysis needed.
        if (!BlockingWait.TaskOperands(wait.Operation, wait.Kind, _symbols).Any(o => RootSymbols(o).Any(completing.Contains)))
        {
            return false;
        }

        var functionSyntax = scope.Syntax;
        if (!_analyses.TryGetValue(functionSyntax, out var analysis))
        {
            if (!_graphs.TryGetValue(root, out var rootGraph))
            {
                rootGraph = ControlFlowGraphs.Create(root, _cancellationToken);
                _graphs[root] = rootGraph;
            }

            var graph = function is null || rootGraph is null ? rootGraph : ControlFlowGraphs.FindNested(rootGraph, function.Syntax, _cancellationToken);
            analysis = graph is null ? null : TaskCompletionAnalysis.Run(graph, _symbols, _cancellationToken);
            _analyses[functionSyntax] = analysis;
        }

        return analysis is not null && analysis.IsCertainlyComplete(wait.Operation.Syntax, wait.Operation.Kind, wait.Kind);
    }

    /// <summary><c>Task.FromResult(1).Result</c>, <c>Task.CompletedTask.Wait()</c> and the like, without any flow analysis.</summary>
    public static bool IsTriviallyComplete(BlockingWait wait, TaskSymbols symbols)
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

    /// <summary>
    /// The locals and parameters something in <paramref name="scope"/> could make complete: awaited
    /// (alone, in <c>WhenAll</c>/<c>WhenAny</c>, through <c>ConfigureAwait</c>), tested with
    /// <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>IsFaulted</c>/<c>IsCanceled</c>/<c>Status</c>, or assigned anything but the
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
                case IPropertyReferenceOperation { Property.Name: var name, Instance: { } instance }
                    when TaskCompletionAnalysis.IsCompletionTest(name) && OperationHelpers.ReferencedLocalOrParameter(instance) is { } tested:
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
}
