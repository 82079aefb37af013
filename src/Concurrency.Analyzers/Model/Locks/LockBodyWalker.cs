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
    private List<IMethodSymbol>? _callees;
    private CancellationToken _cancellationToken;
    private List<Held> _held = new();

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
                _held = new List<Held>();
                VisitChildren(lambda, runs: false);
                _held = outside;
                return;

            case ILockOperation lockStatement when LockIdentity.FieldOf(lockStatement.LockedValue, anyInstance: true) is { } field:
                Visit(lockStatement.LockedValue, runs);
                var onThis = LockIdentity.FieldOf(lockStatement.LockedValue) is not null;
                Acquire(field, lockStatement.LockedValue.Syntax, lockStatement.Syntax, runs, monitor: true, onThis);
                _held.Add(new Held(field, lockStatement.Syntax, onThis));
                Visit(lockStatement.Body, runs);
                _held.RemoveAt(_held.Count - 1);
                return;

            case IUsingOperation { Resources: var resources, Body: var usingBody } when _collector.Identity.Acquisition(resources) is { } scope
                && LockIdentity.FieldOf(scope.Lock, anyInstance: true) is { } field:
                Visit(resources, runs);
                _held.Add(new Held(field, scope.Call.Syntax, LockIdentity.FieldOf(scope.Lock) is not null));
                Visit(usingBody, runs);
                _held.RemoveAt(_held.Count - 1);
                return;

            case IBlockOperation block:
                VisitBlock(block, runs);
                return;

            case IInvocationOperation call when _collector.Identity.LockTaken(call, anyInstance: true) is { } taken:
                VisitChildren(call, runs);
                Acquire(taken, call.Syntax, call.Syntax, runs, monitor: false, onThis: _collector.Identity.LockTaken(call) is not null);
                return;
        }

        Called(operation, runs);
        VisitChildren(operation, runs);
    }

    [MethodImpl(HotPath.Optimized)]
    private void VisitChildren(IOperation operation, bool runs)
    {
        foreach (var child in operation.ChildOperations)
        {
            Visit(child, runs);
        }
    }

    // using var held = x.Hold(); holds to the end of the block; x.Acquire(); try { … } finally { … } holds in the try.
    [MethodImpl(HotPath.Optimized)]
    private void VisitBlock(IBlockOperation block, bool runs)
    {
        var depth = _held.Count;
        Held? beforeTry = null;
        foreach (var statement in block.Operations)
        {
            if (beforeTry is { } acquired && statement is ITryOperation { Finally: not null } guarded)
            {
                _held.Add(acquired);
                Visit(guarded.Body, runs);
                _held.RemoveAt(_held.Count - 1);
                foreach (var handler in guarded.Catches)
                {
                    Visit(handler, runs);
                }

                Visit(guarded.Finally, runs);
                beforeTry = null;
                continue;
            }

            // Outside any region, a statement without lock syntax holds and takes nothing: not walked
            // (its calls are read on demand, if a call made under a lock reaches this method).
            if (_held.Count == 0 && !_collector.Index.MayTakeLocks(statement.Syntax, _cancellationToken))
            {
                beforeTry = null;
                continue;
            }

            Visit(statement, runs);
            beforeTry = null;
            switch (statement)
            {
                case IUsingDeclarationOperation { DeclarationGroup: var group } when _collector.Identity.Acquisition(group) is { } scope
                    && LockIdentity.FieldOf(scope.Lock, anyInstance: true) is { } field:
                    _held.Add(new Held(field, scope.Call.Syntax, LockIdentity.FieldOf(scope.Lock) is not null));
                    break;
                case IExpressionStatementOperation expression when StatementCall(expression.Operation) is { } call && _collector.Identity.LockTaken(call, anyInstance: true) is { } field:
                    beforeTry = new Held(field, call.Syntax, _collector.Identity.LockTaken(call) is not null);
                    break;
            }
        }

        _held.RemoveRange(depth, _held.Count - depth);
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

    /// <summary>An acquisition of <paramref name="taken"/>: an edge from every lock held here, unless it only re-enters one.</summary>
    [MethodImpl(HotPath.Optimized)]
    private void Acquire(IFieldSymbol taken, SyntaxNode site, SyntaxNode acquisition, bool runs, bool monitor, bool onThis)
    {
        if (runs)
        {
            _facts.AddTake(taken, monitor);
        }

        if (_held.Count == 0)
        {
            return;
        }

        if (_held.FirstOrDefault(h => SymbolEqualityComparer.Default.Equals(h.Field, taken)) is { } again)
        {
            // Re-entered: no order between the two, but a self-deadlock if the lock is not reentrant.
            if (!monitor)
            {
                _facts.AddReentry(new Reentry(taken, site, again.Outer, onThis && again.OnThis));
            }

            return;
        }

        var location = site.GetLocation();
        foreach (var held in _held)
        {
            _facts.AddNested(new LockEdge(held.Field, taken, location, _facts, held.Outer, monitor && IsDirectlyNested(held.Outer, acquisition)));
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

        var callees = _callees ??= new List<IMethodSymbol>();
        callees.Clear();
        _collector.AddCallees(operation, callees);
        if (callees.Count == 0)
        {
            return;
        }

        var allHeld = _held.Select(h => h.Field).ToImmutableArray();
        var location = operation.Syntax.GetLocation();
        var callOnThis = operation switch
        {
            IInvocationOperation call => InstanceCalls.IsSameInstanceCall(call),
            IPropertyReferenceOperation property => InstanceCalls.IsSameInstanceReference(property),
            _ => false,
        };
        foreach (var callee in callees)
        {
            foreach (var held in _held)
            {
                _facts.AddHeldCall(new HeldCall(held, callee, location, allHeld, callOnThis));
            }
        }

    }

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));
}
