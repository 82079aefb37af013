using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// A forward "must" data-flow analysis over one control-flow graph, solved by
/// <see cref="ForwardFlow{TState}"/>: which task locals and parameters are certainly complete at each
/// point. A task becomes complete when it is awaited, awaited through <c>Task.WhenAll</c> (also as an
/// element of the array or collection passed), is the result of <c>await Task.WhenAny</c>, comes from
/// <c>Task.FromResult</c>/<c>CompletedTask</c>, or is tested by
/// <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>IsFaulted</c>/<c>IsCanceled</c>/<c>Status</c> (a final
/// state) on the branch taken. Facts meet by intersection, so a fact holds only if it holds on every path; a reassignment,
/// a <c>ref</c>/<c>out</c> pass or (for collections) a mutating call kills it. Catch and finally
/// handlers start with no facts.
/// </summary>
internal sealed class TaskCompletionAnalysis : IForwardFlowAnalysis<HashSet<ISymbol>>
{
    private static readonly IEqualityComparer<ISymbol> Comparer = SymbolEqualityComparer.Default;

    private readonly ControlFlowGraph _graph;
    private readonly TaskSymbols _symbols;
    private readonly Dictionary<CaptureId, IOperation?> _captures = new();
    private readonly ForwardFlow<HashSet<ISymbol>> _flow;

    private TaskCompletionAnalysis(ControlFlowGraph graph, TaskSymbols symbols, CancellationToken cancellationToken)
    {
        _graph = graph;
        _symbols = symbols;
        RecordCaptures();
        _flow = ForwardFlow<HashSet<ISymbol>>.Solve(graph, this, cancellationToken);
    }

    /// <summary>Runs the analysis over <paramref name="graph"/> to its fixed point.</summary>
    public static TaskCompletionAnalysis Run(ControlFlowGraph graph, TaskSymbols symbols, CancellationToken cancellationToken) =>
        new(graph, symbols, cancellationToken);

    /// <summary>
    /// Whether every task operand of the blocking wait written at <paramref name="syntax"/> is
    /// certainly complete where the wait runs.
    /// </summary>
    public bool IsCertainlyComplete(SyntaxNode syntax, OperationKind kind, BlockingWaitKind waitKind)
    {
        if (_flow.StateAt(syntax, kind) is not ({ } candidate, { } facts))
        {
            return false;
        }

        var operands = BlockingWait.TaskOperands(candidate, waitKind, _symbols);
        return !operands.IsEmpty && operands.All(o => IsComplete(o, facts));
    }

    HashSet<ISymbol> IForwardFlowAnalysis<HashSet<ISymbol>>.Initial(BasicBlock block) => new(Comparer);

    HashSet<ISymbol> IForwardFlowAnalysis<HashSet<ISymbol>>.Copy(HashSet<ISymbol> state) => new(state, Comparer);

    void IForwardFlowAnalysis<HashSet<ISymbol>>.Transfer(HashSet<ISymbol> state, IOperation operation) => Transfer(state, operation);

    void IForwardFlowAnalysis<HashSet<ISymbol>>.Branch(HashSet<ISymbol> state, IOperation condition, bool outcome) => CompletedWhen(condition, outcome, state);

    void IForwardFlowAnalysis<HashSet<ISymbol>>.Join(HashSet<ISymbol> state, HashSet<ISymbol> other) => state.IntersectWith(other);

    bool IForwardFlowAnalysis<HashSet<ISymbol>>.Same(HashSet<ISymbol> state, HashSet<ISymbol> other) => state.SetEquals(other);

    private void RecordCaptures()
    {
        foreach (var block in _graph.Blocks)
        {
            foreach (var capture in OperationHelpers.TopLevelOperations(block).SelectMany(o => o.DescendantsAndSelf()).OfType<IFlowCaptureOperation>())
            {
                // A capture assigned in two branches (e.g. a conditional expression) has no single value.
                _captures[capture.Id] = _captures.ContainsKey(capture.Id) ? null : capture.Value;
            }
        }
    }

    private void Transfer(HashSet<ISymbol> facts, IOperation operation)
    {
        var all = operation.DescendantsAndSelf().ToList();

        foreach (var awaitOperation in all.OfType<IAwaitOperation>())
        {
            var awaited = Resolve(TaskOperations.UnwrapConfigureAwait(awaitOperation.Operation, _symbols));
            if (SymbolOf(awaited) is { } symbol)
            {
                facts.Add(symbol);
            }
            else if (IsTaskCombinator(awaited, "WhenAll", out var whenAll))
            {
                foreach (var task in TaskOperations.TaskArguments(whenAll, _symbols))
                {
                    if (SymbolOf(task) is { } awaitedTask)
                    {
                        facts.Add(awaitedTask);
                    }
                }
            }
        }

        foreach (var written in all)
        {
            switch (written)
            {
                case ISimpleAssignmentOperation assignment when SymbolOf(assignment.Target) is { } target:
                    facts.Remove(target);
                    if (IsComplete(assignment.Value, facts))
                    {
                        facts.Add(target);
                    }

                    break;
                case ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation:
                case IDeconstructionAssignmentOperation:
                    foreach (var target in AssignedSymbols(written))
                    {
                        facts.Remove(target);
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when SymbolOf(argument.Value) is { } byRef:
                    facts.Remove(byRef);
                    break;
                case IInvocationOperation { Instance: { } instance } invocation
                    when SymbolOf(instance) is { } collection && !_symbols.IsTaskLike(collection.GetSymbolType()) && !IsReadOnlyCall(invocation):
                    facts.Remove(collection);
                    break;
            }
        }
    }

    private static IEnumerable<ISymbol> AssignedSymbols(IOperation write)
    {
        var target = write switch
        {
            IAssignmentOperation assignment => assignment.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => null,
        };

        return target is null
            ? Enumerable.Empty<ISymbol>()
            : target.DescendantsAndSelf().Select(OperationHelpers.ReferencedLocalOrParameter).OfType<ISymbol>();
    }

    // A call on a collection that certainly leaves its elements alone: reading, searching, copying.
    private static bool IsReadOnlyCall(IInvocationOperation invocation) => invocation.TargetMethod.Name is
        "GetEnumerator" or "Contains" or "IndexOf" or "CopyTo" or "ToArray" or "GetHashCode" or "Equals" or "ToString" or "get_Item";

    private bool IsComplete(IOperation operation, HashSet<ISymbol> facts)
    {
        operation = Resolve(TaskOperations.UnwrapConfigureAwait(operation, _symbols));
        if (SymbolOf(operation) is { } symbol)
        {
            return facts.Contains(symbol) || IsIterationOverCompleteCollection(symbol, facts);
        }

        switch (operation)
        {
            case IAwaitOperation awaitOperation:
                // The task 'await Task.WhenAny(...)' returns is one that has completed.
                return IsTaskCombinator(Resolve(TaskOperations.UnwrapConfigureAwait(awaitOperation.Operation, _symbols)), "WhenAny", out _);
            case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } method }
                when _symbols.IsTaskLike(method.ContainingType):
                return true;
            case IPropertyReferenceOperation { Property: { IsStatic: true, Name: "CompletedTask" } property }
                when _symbols.IsTaskLike(property.ContainingType):
                return true;
            case IDefaultValueOperation { Type: { } type } when _symbols.IsTaskLike(type):
                return true;
            case IObjectCreationOperation { Constructor: { } constructor } when _symbols.IsTaskLike(constructor.ContainingType):
                // new ValueTask<T>(result) is complete; new ValueTask(task or source) is not.
                return constructor.OriginalDefinition.Parameters.Length == 1
                    && constructor.OriginalDefinition.Parameters[0].Type.TypeKind == TypeKind.TypeParameter;
            case IArrayElementReferenceOperation { ArrayReference: var array }:
                return SymbolOf(array) is { } arraySymbol && facts.Contains(arraySymbol);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list }:
                return SymbolOf(list) is { } listSymbol && facts.Contains(listSymbol);
            default:
                return false;
        }
    }

    // foreach (var t in tasks) ... t.Result, after 'await Task.WhenAll(tasks)'.
    private bool IsIterationOverCompleteCollection(ISymbol symbol, HashSet<ISymbol> facts)
    {
        if (symbol is not ILocalSymbol local || local.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
        if (declaration is not Microsoft.CodeAnalysis.CSharp.Syntax.ForEachStatementSyntax forEach)
        {
            return false;
        }

        var collection = _graph.OriginalOperation.SemanticModel?.GetSymbolInfo(forEach.Expression).Symbol;
        return collection is ILocalSymbol or IParameterSymbol && facts.Contains(collection);
    }

    private void CompletedWhen(IOperation condition, bool outcome, HashSet<ISymbol> facts)
    {
        condition = Resolve(OperationHelpers.WalkDownConversion(condition));
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                CompletedWhen(not.Operand, !outcome, facts);
                break;
            case IPropertyReferenceOperation { Property.Name: var name, Instance: { } task }
                when outcome && name != "Status" && IsCompletionTest(name) && _symbols.IsTaskLikeOrFuture(task.Type) && SymbolOf(task) is { } completed:
                facts.Add(completed);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                when outcome == (comparison.OperatorKind == BinaryOperatorKind.Equals)
                    && StatusTestedForFinal(comparison) is { } final:
                facts.Add(final);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when outcome:
                CompletedWhen(both.LeftOperand, true, facts);
                CompletedWhen(both.RightOperand, true, facts);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when !outcome:
                CompletedWhen(either.LeftOperand, false, facts);
                CompletedWhen(either.RightOperand, false, facts);
                break;
        }
    }

    /// <summary>
    /// The task members that tell whether it has completed: true from <c>IsCompleted</c>,
    /// <c>IsCompletedSuccessfully</c>, <c>IsFaulted</c> or <c>IsCanceled</c> (a faulted or canceled
    /// task is complete: a wait on it throws at once), and <c>Status</c>; a runtime future's <c>Done</c> and <c>Cancelled</c>.
    /// </summary>
    public static bool IsCompletionTest(string member) =>
        member is "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status" or "Done" or "Cancelled";

    // t.Status == TaskStatus.RanToCompletion (or Faulted, Canceled: final states), in either order.
    private ISymbol? StatusTestedForFinal(IBinaryOperation comparison)
    {
        foreach (var (status, constant) in new[] { (comparison.LeftOperand, comparison.RightOperand), (comparison.RightOperand, comparison.LeftOperand) })
        {
            if (OperationHelpers.WalkDownConversion(status) is IPropertyReferenceOperation { Property.Name: "Status", Instance: { } task }
                && _symbols.IsTaskLike(task.Type)
                && OperationHelpers.WalkDownConversion(constant) is { ConstantValue: { HasValue: true, Value: { } value } } constantOperation
                && TaskSymbols.Is(constantOperation.Type, _symbols.TaskStatus)
                && (System.Threading.Tasks.TaskStatus)Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
                    is System.Threading.Tasks.TaskStatus.RanToCompletion or System.Threading.Tasks.TaskStatus.Faulted or System.Threading.Tasks.TaskStatus.Canceled)
            {
                return SymbolOf(task);
            }
        }

        return null;
    }

    private bool IsTaskCombinator(IOperation operation, string name, out IInvocationOperation invocation)
    {
        if (operation is IInvocationOperation { TargetMethod: { IsStatic: true } method } candidate
            && method.Name == name
            && TaskSymbols.Is(method.ContainingType, _symbols.Task))
        {
            invocation = candidate;
            return true;
        }

        invocation = null!;
        return false;
    }

    private ISymbol? SymbolOf(IOperation operation) => OperationHelpers.ReferencedLocalOrParameter(Resolve(operation));

    private IOperation Resolve(IOperation operation)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            operation = OperationHelpers.WalkDownConversion(operation);
            if (operation is not IFlowCaptureReferenceOperation reference
                || !_captures.TryGetValue(reference.Id, out var value)
                || value is null)
            {
                break;
            }

            operation = value;
        }

        return operation;
    }
}
