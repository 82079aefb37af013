using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Locks;

/// <summary>
/// What one method body (or local function) does with field locks, read once from the operation
/// tree the compiler hands the analyzers: the locks it takes, the methods it calls, the locks it
/// takes while holding another, and the calls it makes while holding one. Lock-order analysis works
/// on these facts alone, so no callee is bound a second time however often it is called.
/// </summary>
internal sealed class MethodLockFacts
{
    public MethodLockFacts(ISymbol owner, INamedTypeSymbol? type, string member)
    {
        Owner = owner;
        Type = type;
        Member = member;
    }

    /// <summary>The method, local function, accessor or initialized member the body belongs to.</summary>
    public ISymbol Owner { get; }

    /// <summary>The type whose code this is.</summary>
    public INamedTypeSymbol? Type { get; }

    /// <summary><c>Type.Member</c>, as messages name it.</summary>
    public string Member { get; }

    /// <summary>The field locks the body takes wherever it runs them.</summary>
    public HashSet<IFieldSymbol> Takes { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The field locks the body takes with a <c>lock</c> statement (Monitor locks, reentrant).</summary>
    public HashSet<IFieldSymbol> MonitorLocks { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The methods of this assembly the body calls (accessors and constructors included).</summary>
    public HashSet<IMethodSymbol> Calls { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// For a body without any lock syntax, how to find its calls when a summary needs them: such
    /// bodies — the bulk of a solution — are not walked unless a call made under a lock reaches them.
    /// </summary>
    public Func<CancellationToken, HashSet<IMethodSymbol>>? LazyCalls { get; set; }

    private HashSet<IMethodSymbol>? _lazyCalls;

    /// <summary>The calls, found now if they were left for later.</summary>
    public HashSet<IMethodSymbol> CallsOf(CancellationToken cancellationToken)
    {
        if (LazyCalls is not { } find)
        {
            return Calls;
        }

        lock (Calls)
        {
            return _lazyCalls ??= find(cancellationToken);
        }
    }

    /// <summary>"B is taken while A is held", for acquisitions the body makes itself.</summary>
    public List<LockEdge> Nested { get; } = new();

    /// <summary>Calls the body makes while holding a lock: the callee's locks are taken under it.</summary>
    public List<HeldCall> HeldCalls { get; } = new();
}

/// <summary>"<see cref="Taken"/> is acquired while <see cref="Held"/> is held", at <see cref="Location"/>.</summary>
internal sealed class LockEdge
{
    public LockEdge(IFieldSymbol held, IFieldSymbol taken, Location location, MethodLockFacts site, SyntaxNode outer, bool directlyNested)
    {
        Held = held;
        Taken = taken;
        Location = location;
        Site = site;
        Outer = outer;
        DirectlyNested = directlyNested;
    }

    public IFieldSymbol Held { get; }

    public IFieldSymbol Taken { get; }

    public Location Location { get; }

    /// <summary>The body that makes the acquisition.</summary>
    public MethodLockFacts Site { get; }

    /// <summary>The syntax that acquired <see cref="Held"/> (a <c>lock</c> or <c>using</c> statement, or a call).</summary>
    public SyntaxNode Outer { get; }

    /// <summary>The acquisition is a <c>lock</c> statement that is the whole body of the <c>lock</c> holding the other lock.</summary>
    public bool DirectlyNested { get; }
}

/// <summary>A call made while <see cref="Held"/> is held.</summary>
internal sealed class HeldCall
{
    public HeldCall(IFieldSymbol held, IMethodSymbol callee, Location location, SyntaxNode outer, ImmutableArray<IFieldSymbol> allHeld)
    {
        Held = held;
        AllHeld = allHeld;
        Callee = callee;
        Location = location;
        Outer = outer;
    }

    public IFieldSymbol Held { get; }

    public IMethodSymbol Callee { get; }

    public Location Location { get; }

    public SyntaxNode Outer { get; }

    /// <summary>Every lock held at the call: the callee re-enters these rather than taking them.</summary>
    public ImmutableArray<IFieldSymbol> AllHeld { get; }
}

/// <summary>
/// Collects <see cref="MethodLockFacts"/> per body, once per compilation: the two CONC101 analyzers
/// (inside one type while typing, across the compilation at its end) share them.
/// </summary>
internal sealed class LockFactsCollector
{
    private static readonly ConditionalWeakTable<Compilation, LockFactsCollector> Collectors = new();

    private readonly LockRegions _regions;
    private readonly SynchronousCallbacks _callbacks;
    private readonly IAssemblySymbol _assembly;
    private readonly Compilation _compilation;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>> _facts = new(SymbolEqualityComparer.Default);

    private LockFactsCollector(Compilation compilation)
    {
        _regions = new LockRegions(compilation, new LockSymbols(compilation));
        _callbacks = new SynchronousCallbacks(compilation);
        _assembly = compilation.Assembly;
        _compilation = compilation;
    }

    public static LockFactsCollector For(Compilation compilation) =>
        Collectors.GetValue(compilation, c => new LockFactsCollector(c));

    /// <summary>The facts of a member's operation blocks and of the local functions in them.</summary>
    public ImmutableArray<MethodLockFacts> Collect(ISymbol owner, ImmutableArray<IOperation> blocks, CancellationToken cancellationToken) =>
        _facts.GetOrAdd(owner, _ => Compute(owner, blocks, cancellationToken));

    private ImmutableArray<MethodLockFacts> Compute(ISymbol owner, ImmutableArray<IOperation> blocks, CancellationToken cancellationToken)
    {
        // A field or property initializer cannot be called: only the locks it nests itself matter.
        var callable = owner is IMethodSymbol;
        if (!callable && !blocks.Any(b => LockRegions.MayTakeLocks(b.Syntax)))
        {
            return ImmutableArray<MethodLockFacts>.Empty;
        }

        var result = ImmutableArray.CreateBuilder<MethodLockFacts>();
        var facts = new MethodLockFacts(Key(owner), owner.ContainingType, $"{owner.ContainingType?.Name}.{MemberName(owner)}");
        result.Add(facts);
        if (owner is IMethodSymbol method && !blocks.Any(b => LockRegions.MayTakeLocks(b.Syntax)))
        {
            facts.LazyCalls = token => CallsOf(method, token);
            return result.ToImmutable();
        }

        var locals = new Queue<ILocalFunctionOperation>();
        foreach (var block in blocks)
        {
            Collect(block, facts, locals, cancellationToken);
        }

        // Local functions (nested ones too) have facts of their own, called like methods.
        while (locals.Count > 0)
        {
            var local = locals.Dequeue();
            var localFacts = new MethodLockFacts(Key(local.Symbol), owner.ContainingType, facts.Member);
            Collect(local, localFacts, locals, cancellationToken);
            result.Add(localFacts);
        }

        return result.ToImmutable();
    }

    private static ISymbol Key(ISymbol symbol) => symbol is IMethodSymbol method ? method.OriginalDefinition : symbol;

    private static string MemberName(ISymbol owner) => owner switch
    {
        IMethodSymbol { AssociatedSymbol: IPropertySymbol { IsIndexer: true } } => "this[]",
        IMethodSymbol { AssociatedSymbol: { } property } => property.Name,
        IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => owner.ContainingType?.Name ?? owner.Name,
        _ => owner.Name,
    };

    private void Collect(IOperation body, MethodLockFacts facts, Queue<ILocalFunctionOperation> locals, CancellationToken cancellationToken)
    {
        var mayTakeLocks = LockRegions.MayTakeLocks(body.Syntax);
        if (!mayTakeLocks && facts.Owner is not IMethodSymbol)
        {
            return;
        }

        new BodyWalker(this, facts, locals, mayTakeLocks, cancellationToken).Walk(body);
    }

    /// <summary>
    /// One walk over a body: the locks it takes and the methods it calls (where it runs them itself),
    /// and, under the stack of locks held at each point, the acquisitions and calls made while holding them.
    /// </summary>
    private sealed class BodyWalker
    {
        private readonly LockFactsCollector _collector;
        private readonly MethodLockFacts _facts;
        private readonly Queue<ILocalFunctionOperation> _locals;
        private readonly bool _mayTakeLocks;
        private readonly CancellationToken _cancellationToken;
        private List<(IFieldSymbol Field, SyntaxNode Outer)> _held = new();

        public BodyWalker(LockFactsCollector collector, MethodLockFacts facts, Queue<ILocalFunctionOperation> locals, bool mayTakeLocks, CancellationToken cancellationToken)
        {
            _collector = collector;
            _facts = facts;
            _locals = locals;
            _mayTakeLocks = mayTakeLocks;
            _cancellationToken = cancellationToken;
        }

        public void Walk(IOperation body)
        {
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
        private void Visit(IOperation operation, bool runs)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case ILocalFunctionOperation local:
                    _locals.Enqueue(local); // its own facts
                    return;

                case IAnonymousFunctionOperation lambda when !_collector._callbacks.RunsNow(lambda):
                    // Runs later, holding none of the locks held here.
                    var outside = _held;
                    _held = new List<(IFieldSymbol, SyntaxNode)>();
                    VisitChildren(lambda, runs: false);
                    _held = outside;
                    return;

                case ILockOperation lockStatement when _mayTakeLocks && LockRegions.FieldOf(lockStatement.LockedValue, anyInstance: true) is { } field:
                    Visit(lockStatement.LockedValue, runs);
                    Acquire(field, lockStatement.LockedValue.Syntax, lockStatement.Syntax, runs, monitor: true);
                    Holding(field, lockStatement.Syntax, () => Visit(lockStatement.Body, runs));
                    return;

                case IUsingOperation { Resources: var resources, Body: var usingBody } when _mayTakeLocks && _collector._regions.Acquisition(resources) is { } scope
                    && LockRegions.FieldOf(scope.Lock, anyInstance: true) is { } field:
                    Visit(resources, runs);
                    Holding(field, scope.Call.Syntax, () => Visit(usingBody, runs));
                    return;

                case IBlockOperation block when _mayTakeLocks:
                    VisitBlock(block, runs);
                    return;

                case IInvocationOperation call when _mayTakeLocks && _collector._regions.LockTaken(call, anyInstance: true) is { } taken:
                    VisitChildren(call, runs);
                    Acquire(taken, call.Syntax, call.Syntax, runs, monitor: false);
                    return;
            }

            Called(operation, runs);
            VisitChildren(operation, runs);
        }

        private void VisitChildren(IOperation operation, bool runs)
        {
            foreach (var child in operation.ChildOperations)
            {
                Visit(child, runs);
            }
        }

        // using var held = x.Hold(); holds to the end of the block; x.Acquire(); try { … } finally { … } holds in the try.
        private void VisitBlock(IBlockOperation block, bool runs)
        {
            var depth = _held.Count;
            (IFieldSymbol Field, SyntaxNode Outer)? beforeTry = null;
            foreach (var statement in block.Operations)
            {
                if (beforeTry is { } acquired && statement is ITryOperation { Finally: not null } guarded)
                {
                    Holding(acquired.Field, acquired.Outer, () => Visit(guarded.Body, runs));
                    foreach (var handler in guarded.Catches)
                    {
                        Visit(handler, runs);
                    }

                    Visit(guarded.Finally, runs);
                    beforeTry = null;
                    continue;
                }

                Visit(statement, runs);
                beforeTry = null;
                switch (statement)
                {
                    case IUsingDeclarationOperation { DeclarationGroup: var group } when _collector._regions.Acquisition(group) is { } scope
                        && LockRegions.FieldOf(scope.Lock, anyInstance: true) is { } field:
                        _held.Add((field, scope.Call.Syntax));
                        break;
                    case IExpressionStatementOperation expression when _collector._regions.Acquisition(expression.Operation) is { } taken
                        && LockRegions.FieldOf(taken.Lock, anyInstance: true) is { } field:
                        beforeTry = (field, taken.Call.Syntax);
                        break;
                }
            }

            _held.RemoveRange(depth, _held.Count - depth);
        }

        private void Holding(IFieldSymbol field, SyntaxNode outer, Action visit)
        {
            _held.Add((field, outer));
            visit();
            _held.RemoveAt(_held.Count - 1);
        }

        /// <summary>An acquisition of <paramref name="taken"/>: an edge from every lock held here, unless it only re-enters one.</summary>
        private void Acquire(IFieldSymbol taken, SyntaxNode site, SyntaxNode acquisition, bool runs, bool monitor)
        {
            if (runs)
            {
                _facts.Takes.Add(taken);
                if (monitor)
                {
                    _facts.MonitorLocks.Add(taken);
                }
            }

            if (_held.Count == 0 || _held.Any(h => SymbolEqualityComparer.Default.Equals(h.Field, taken)))
            {
                return;
            }

            Location? location = null;
            foreach (var (held, outer) in _held)
            {
                location ??= site.GetLocation();
                _facts.Nested.Add(new LockEdge(held, taken, location, _facts, outer, monitor && IsDirectlyNested(outer, acquisition)));
            }
        }

        /// <summary>The methods an operation calls: recorded, and under every lock held here.</summary>
        private void Called(IOperation operation, bool runs)
        {
            if (operation is not (IInvocationOperation or IObjectCreationOperation or IPropertyReferenceOperation))
            {
                return;
            }

            ImmutableArray<IFieldSymbol> allHeld = default;
            foreach (var callee in _collector.Callees(operation))
            {
                if (runs)
                {
                    _facts.Calls.Add(callee);
                }

                if (_held.Count > 0)
                {
                    allHeld = allHeld.IsDefault ? _held.Select(h => h.Field).ToImmutableArray() : allHeld;
                    var location = operation.Syntax.GetLocation();
                    foreach (var (held, outer) in _held)
                    {
                        _facts.HeldCalls.Add(new HeldCall(held, callee, location, outer, allHeld));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The calls of a method without lock syntax, local functions included, read from its bodies
    /// when a summary first needs them.
    /// </summary>
    private HashSet<IMethodSymbol> CallsOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var calls = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var body in OperationHelpers.BodiesOf(method, _compilation, cancellationToken))
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var operation = stack.Pop();
                foreach (var callee in Callees(operation))
                {
                    calls.Add(callee);
                }

                foreach (var child in operation.ChildOperations)
                {
                    if (child is not IAnonymousFunctionOperation lambda || _callbacks.RunsNow(lambda))
                    {
                        stack.Push(child);
                    }
                }
            }
        }

        return calls;
    }

    /// <summary>The methods of this assembly an operation runs: a call, a property or indexer accessor, a constructor.</summary>
    private IEnumerable<IMethodSymbol> Callees(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation call:
                return Own(call.TargetMethod);
            case IObjectCreationOperation { Constructor: { } constructor }:
                return Own(constructor);
            case IPropertyReferenceOperation property:
                return LockRegions.AccessorsRun(property).SelectMany(Own);
            default:
                return Enumerable.Empty<IMethodSymbol>();
        }
    }

    private IEnumerable<IMethodSymbol> Own(IMethodSymbol? method) =>
        method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly)
            ? new[] { method.OriginalDefinition }
            : Enumerable.Empty<IMethodSymbol>();

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));
}
