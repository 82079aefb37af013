using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// One walk over a body: the locks it takes and the methods it calls (where it runs them itself),
/// and, under the stack of locks held at each point, the acquisitions and calls made while holding them.
/// </summary>
internal sealed class LockBodyWalker
{
    private readonly LockFactsCollector _collector;
    private readonly MethodLockFacts _facts;
    private readonly Queue<ILocalFunctionOperation>? _locals;
    private List<CalledMethod>? _callees;
    private CancellationToken _cancellationToken;
    private List<Held> _held = new();
    private List<IParameterSymbol> _heldParameters = new();
    private HashSet<(IParameterSymbol, IParameterSymbol)>? _compared;

    // A lock taken by the last statement of a lock body or try block, for the statement after it (hand over hand).
    private (Held Held, StatementSyntax Statement)? _handedOver;

    /// <param name="collector">The collector.</param>
    /// <param name="facts">Where the facts go.</param>
    /// <param name="locals">Where local functions go to be walked on their own; null for an initializer.</param>
    public LockBodyWalker(LockFactsCollector collector, MethodLockFacts facts, Queue<ILocalFunctionOperation>? locals)
    {
        _collector = collector;
        _facts = facts;
        _locals = locals;
    }

    [MethodImpl(HotPath.Optimized)]
    public void Walk(IOperation body, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        // The root of a local function's facts is the local function itself: walk into it.
        if (body is ILocalFunctionOperation local)
        {
            foreach (var child in local.ChildOperations)
            {
                Visit(child, runs: true);
            }
        }
        else
        {
            Visit(body, runs: true);
        }
    }

    /// <param name="operation">The operation.</param>
    /// <param name="runs">Whether the body runs it itself (not a lambda it only creates).</param>
    [MethodImpl(HotPath.Optimized)]
    private void Visit(IOperation operation, bool runs)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        switch (operation)
        {
            case ILocalFunctionOperation local:
                _locals?.Enqueue(local); // its own facts
                return;

            case IAnonymousFunctionOperation lambda when !_collector.Callbacks.RunsNow(lambda):
                // Runs later, holding none of the locks held here.
                var outside = _held;
                var outsideParameters = _heldParameters;
                _held = new List<Held>();
                _heldParameters = new List<IParameterSymbol>();
                VisitChildren(lambda, runs: false);
                _held = outside;
                _heldParameters = outsideParameters;
                return;

            case ILockOperation lockStatement when LockIdentity.ParameterRoot(lockStatement.LockedValue) is { } parameter:
                // lock (from.Gate) / lock (to): the order is the caller's; the lock is also the field's, if it is one.
                EnterParameter(parameter, lockStatement);
                if (LockIdentity.LockOf(lockStatement.LockedValue, anyInstance: true) is { } parameterField)
                {
                    VisitLock(lockStatement, parameterField, runs);
                }
                else
                {
                    VisitChildren(lockStatement, runs);
                }

                _heldParameters.RemoveAt(_heldParameters.Count - 1);
                return;

            case ILockOperation lockStatement when LockIdentity.LockOf(lockStatement.LockedValue, anyInstance: true) is { } field:
                VisitLock(lockStatement, field, runs);
                return;

            case IUsingOperation { Resources: var resources, Body: var usingBody } when _collector.Identity.Acquisition(resources) is { } scope
                && LockIdentity.LockOf(scope.Lock, anyInstance: true) is { } field:
                Visit(resources, runs);
                _held.Add(new Held(field, scope.Call.Syntax, LockIdentity.LockOf(scope.Lock) is not null));
                Visit(usingBody, runs);
                _held.RemoveAt(_held.Count - 1);
                return;

            case IBlockOperation block:
                VisitBlock(block, runs, releasing: null);
                return;

            case ITryOperation { Finally: not null } guarded:
                VisitTry(guarded, acquired: null, runs);
                return;

            case IInvocationOperation call when _collector.Identity.LockTaken(call, anyInstance: true) is { } taken:
                VisitChildren(call, runs);
                Acquire(taken, call.Syntax, call.Syntax, runs, monitor: false, onThis: _collector.Identity.LockTaken(call) is not null, LockSymbols.CannotWaitForever(call));
                return;
        }

        Called(operation, runs);
        VisitChildren(operation, runs);
    }

    [MethodImpl(HotPath.Optimized)]
    private void VisitLock(ILockOperation lockStatement, LockId field, bool runs)
    {
        Visit(lockStatement.LockedValue, runs);
        var onThis = LockIdentity.LockOf(lockStatement.LockedValue) is not null;
        Acquire(field, lockStatement.LockedValue.Syntax, lockStatement.Syntax, runs, monitor: true, onThis, bounded: false);
        _held.Add(new Held(field, lockStatement.Syntax, onThis));
        Visit(lockStatement.Body, runs);
        _held.RemoveAt(_held.Count - 1);
    }

    /// <summary>
    /// A lock on a parameter, taken while locks on other parameters are held: an order the callers
    /// choose — unless the body compares the two first (<c>if (a.Id &lt; b.Id)</c>, a hash order), the
    /// idiom that makes every caller take them in one order.
    /// </summary>
    private void EnterParameter(IParameterSymbol taken, IOperation site)
    {
        foreach (var held in _heldParameters)
        {
            if (!SymbolEqualityComparer.Default.Equals(held, taken) && !Compared(site, held, taken))
            {
                _facts.AddParameterOrder(new ParameterOrder(held, taken));
            }
        }

        _heldParameters.Add(taken);
    }

    private bool Compared(IOperation site, IParameterSymbol first, IParameterSymbol second)
    {
        if (_compared is null)
        {
            _compared = new HashSet<(IParameterSymbol, IParameterSymbol)>(ParameterPairComparer.Instance);
            foreach (var operation in OperationHelpers.Root(site).Descendants())
            {
                foreach (var pair in LockIdentity.ComparedParameters(operation))
                {
                    _compared.Add(pair);
                    _compared.Add((pair.Item2, pair.Item1));
                }
            }
        }

        return _compared.Contains((first, second));
    }

    private sealed class ParameterPairComparer : IEqualityComparer<(IParameterSymbol, IParameterSymbol)>
    {
        public static readonly ParameterPairComparer Instance = new();

        public bool Equals((IParameterSymbol, IParameterSymbol) x, (IParameterSymbol, IParameterSymbol) y) =>
            SymbolEqualityComparer.Default.Equals(x.Item1, y.Item1) && SymbolEqualityComparer.Default.Equals(x.Item2, y.Item2);

        public int GetHashCode((IParameterSymbol, IParameterSymbol) pair) =>
            (SymbolEqualityComparer.Default.GetHashCode(pair.Item1) * 31) + SymbolEqualityComparer.Default.GetHashCode(pair.Item2);
    }

    [MethodImpl(HotPath.Optimized)]
    private void VisitChildren(IOperation operation, bool runs)
    {
        foreach (var child in operation.ChildOperations)
        {
            Visit(child, runs);
        }
    }

    /// <summary>
    /// A <c>try</c> with a <c>finally</c>: a lock taken right before it (<paramref name="acquired"/>), or
    /// by a statement of its block that the <c>finally</c> releases (<c>Monitor.Enter(x, ref taken)</c>),
    /// is held in the rest of the block and in the <c>catch</c> blocks — the whole region the
    /// <c>finally</c> protects, so a retry from a <c>catch</c> runs under it — but not in the <c>finally</c>.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private void VisitTry(ITryOperation guarded, Held? acquired, bool runs)
    {
        var depth = _held.Count;
        if (acquired is not null)
        {
            _held.Add(acquired);
        }

        if (VisitBlock(guarded.Body, runs, guarded.Finally) is { } takenInBody)
        {
            _held.AddRange(takenInBody);
        }

        var handedOver = _handedOver;
        foreach (var handler in guarded.Catches)
        {
            Visit(handler, runs);
        }

        _held.RemoveRange(depth, _held.Count - depth);
        Visit(guarded.Finally!, runs);
        _handedOver = handedOver; // what the try block's last statement took, not the finally's
    }

    /// <summary>
    /// The statements of a block, under the locks its own statements take: <c>using var held = x.Hold();</c>
    /// holds to the end of the block; <c>x.Acquire(); try { … } finally { … }</c> holds in the try; in the
    /// block of a <c>try</c> whose <c>finally</c> (<paramref name="releasing"/>) releases it, an acquisition
    /// holds to the end of the block. Returns those last locks, which its <c>catch</c> blocks hold too.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private List<Held>? VisitBlock(IBlockOperation block, bool runs, IBlockOperation? releasing)
    {
        var depth = _held.Count;
        Held? beforeTry = null;
        List<Held>? heldToEnd = null;
        foreach (var statement in block.Operations)
        {
            if (beforeTry is { } acquired && statement is ITryOperation { Finally: not null } guarded)
            {
                _handedOver = null;
                VisitTry(guarded, acquired, runs);
                beforeTry = HandedOverAfter(block, statement);
                continue;
            }

            // Outside any region, a statement without lock syntax holds and takes nothing: not walked
            // (its calls are read on demand, if a call made under a lock reaches this method).
            if (_held.Count == 0 && !_collector.Index.MayTakeLocks(statement.Syntax, _cancellationToken))
            {
                beforeTry = null;
                continue;
            }

            _handedOver = null;
            Visit(statement, runs);
            beforeTry = HandedOverAfter(block, statement);
            switch (statement)
            {
                case IUsingDeclarationOperation { DeclarationGroup: var group } when _collector.Identity.Acquisition(group) is { } scope
                    && LockIdentity.LockOf(scope.Lock, anyInstance: true) is { } field:
                    _held.Add(new Held(field, scope.Call.Syntax, LockIdentity.LockOf(scope.Lock) is not null));
                    break;
                case IExpressionStatementOperation expression when StatementCall(expression.Operation) is { } call && _collector.Identity.LockTaken(call, anyInstance: true) is { } field:
                    var held = new Held(field, call.Syntax, _collector.Identity.LockTaken(call) is not null);
                    if (releasing is not null && _collector.Identity.ReleasedIn(releasing, call))
                    {
                        _held.Add(held);
                        (heldToEnd ??= new List<Held>()).Add(held);
                    }
                    else
                    {
                        beforeTry = held;
                    }

                    break;
            }
        }

        _held.RemoveRange(depth, _held.Count - depth);
        if (beforeTry is not null && block.Operations.LastOrDefault()?.Syntax is StatementSyntax last)
        {
            _handedOver = (beforeTry, last);
        }

        return heldToEnd;
    }

    /// <summary>
    /// The lock the last statement of <paramref name="statement"/>'s lock body or try block took, when
    /// the next statement of <paramref name="block"/> is where it is handed over to
    /// (<c>lock (a) { Monitor.Enter(b); } try { … } finally { Monitor.Exit(b); }</c>: the try holds b).
    /// </summary>
    private Held? HandedOverAfter(IBlockOperation block, IOperation statement)
    {
        var handed = _handedOver;
        _handedOver = null;
        return handed is { } h && LockApi.HandedOverTo(h.Statement) is { } next
            && block.Operations.IndexOf(statement) is var index && index + 1 < block.Operations.Length && block.Operations[index + 1].Syntax == next
            ? h.Held
            : null;
    }

    // x.Acquire(); await s.WaitAsync(); await s.WaitAsync().ConfigureAwait(false);
    [MethodImpl(HotPath.Optimized)]
    private static IInvocationOperation? StatementCall(IOperation operation)
    {
        operation = operation is IAwaitOperation awaited ? awaited.Operation : operation;
        while (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: IInvocationOperation awaitable })
        {
            operation = awaitable;
        }

        return operation as IInvocationOperation;
    }

    /// <summary>
    /// An acquisition of <paramref name="taken"/>: an edge from every lock held here, unless it only
    /// re-enters one or is <paramref name="bounded"/> — a thread that gives up instead of waiting
    /// (<c>TryEnter</c>, a finite timeout) cannot be stuck in a cycle, so the lock it tries is taken
    /// by no edge (nor by the summaries of its callers); once it holds the lock, others wait for it
    /// as for any other, and the edges from it stay.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private void Acquire(LockId taken, SyntaxNode site, SyntaxNode acquisition, bool runs, bool monitor, bool onThis, bool bounded)
    {
        if (runs && !bounded)
        {
            _facts.AddTake(taken, monitor, onThis);
        }

        if (_held.Count == 0)
        {
            return;
        }

        if (_held.FirstOrDefault(h => h.Field.Equals(taken)) is { } again)
        {
            // Re-entered: no order between the two, but a self-deadlock if the lock is not reentrant.
            if (!monitor)
            {
                _facts.AddReentry(new Reentry(taken, site, again.Outer, onThis && again.OnThis));
            }

            return;
        }

        if (bounded)
        {
            return;
        }

        var location = site.GetLocation();
        var allHeld = _held.Select(h => h.Field).ToImmutableArray();
        foreach (var held in _held)
        {
            _facts.AddNested(new LockEdge(held.Field, taken, location, _facts, held.Outer, allHeld, monitor && IsDirectlyNested(held.Outer, acquisition)));
        }
    }

    /// <summary>The methods an operation calls: recorded, and under every lock held here.</summary>
    [MethodImpl(HotPath.Optimized)]
    private void Called(IOperation operation, bool runs)
    {
        if (_held.Count == 0 || operation is not (IInvocationOperation or IObjectCreationOperation or IPropertyReferenceOperation))
        {
            return;
        }

        var callees = _callees ??= new List<CalledMethod>();
        callees.Clear();
        _collector.AddCallees(operation, callees);
        if (callees.Count == 0)
        {
            return;
        }

        var allHeld = _held.Select(h => h.Field).ToImmutableArray();
        var location = operation.Syntax.GetLocation();
        foreach (var callee in callees)
        {
            foreach (var held in _held)
            {
                _facts.AddHeldCall(new HeldCall(held, callee, location, allHeld));
            }
        }
    }

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));
}
