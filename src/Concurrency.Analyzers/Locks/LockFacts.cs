using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Locks;

/// <summary>
/// What one method body (or local function) does with field locks, read once from the operation
/// tree the compiler hands the analyzers: the locks it takes, the locks it takes while holding
/// another, the calls it makes while holding one, and — only when a summary needs them — all the
/// methods it calls. The lock rules work on these facts alone: every body is walked at most once
/// for them, however often it is called.
/// </summary>
internal sealed class MethodLockFacts
{
    private readonly ISymbol _member;
    private List<IFieldSymbol>? _takes;
    private List<IFieldSymbol>? _monitorLocks;
    private HashSet<IMethodSymbol>? _calls;
    private List<LockEdge>? _nested;
    private List<HeldCall>? _heldCalls;
    private List<Reentry>? _reentries;
    private Func<CancellationToken, HashSet<IMethodSymbol>>? _findCalls;

    /// <param name="owner">The method or local function (or initialized member) the body belongs to.</param>
    /// <param name="member">The member of the type that contains the body, as messages name it.</param>
    public MethodLockFacts(ISymbol owner, ISymbol member)
    {
        Owner = owner;
        _member = member;
    }

    /// <summary>The method, local function, accessor or initialized member the body belongs to.</summary>
    public ISymbol Owner { get; }

    /// <summary>The type whose code this is.</summary>
    public INamedTypeSymbol? Type => _member.ContainingType;

    /// <summary><c>Type.Member</c>, as messages name it.</summary>
    public string Member => $"{Type?.Name}.{MemberName(_member)}";

    /// <summary>The field locks the body takes wherever it runs them.</summary>
    public IEnumerable<IFieldSymbol> Takes => _takes ?? Enumerable.Empty<IFieldSymbol>();

    /// <summary>The field locks the body takes with a <c>lock</c> statement (Monitor locks, reentrant).</summary>
    public IEnumerable<IFieldSymbol> MonitorLocks => _monitorLocks ?? Enumerable.Empty<IFieldSymbol>();

    /// <summary>"B is taken while A is held", for acquisitions the body makes itself.</summary>
    public IReadOnlyList<LockEdge> Nested => (IReadOnlyList<LockEdge>?)_nested ?? Array.Empty<LockEdge>();

    /// <summary>Calls the body makes while holding a lock: the callee's locks are taken under it.</summary>
    public IReadOnlyList<HeldCall> HeldCalls => (IReadOnlyList<HeldCall>?)_heldCalls ?? Array.Empty<HeldCall>();

    public void AddTake(IFieldSymbol field, bool monitor)
    {
        // A body takes a few locks: a list searched is cheaper than a set.
        AddOnce(ref _takes, field);
        if (monitor)
        {
            AddOnce(ref _monitorLocks, field);
        }
    }

    private static void AddOnce(ref List<IFieldSymbol>? fields, IFieldSymbol field)
    {
        fields ??= new List<IFieldSymbol>(2);
        foreach (var known in fields)
        {
            if (SymbolEqualityComparer.Default.Equals(known, field))
            {
                return;
            }
        }

        fields.Add(field);
    }

    public void AddNested(LockEdge edge) => (_nested ??= new List<LockEdge>()).Add(edge);

    public void AddHeldCall(HeldCall call) => (_heldCalls ??= new List<HeldCall>()).Add(call);

    /// <summary>Locks acquired again by a call where they are already held.</summary>
    public IReadOnlyList<Reentry> Reentries => (IReadOnlyList<Reentry>?)_reentries ?? Array.Empty<Reentry>();

    public void AddReentry(Reentry reentry) => (_reentries ??= new List<Reentry>()).Add(reentry);

    /// <summary>
    /// The calls are found only when a summary needs them, that is when a call made under a lock
    /// reaches the method: most methods never are, and their bodies are never walked for calls.
    /// </summary>
    public void FindCallsLater(Func<CancellationToken, HashSet<IMethodSymbol>> find) => _findCalls = find;

    /// <summary>The methods of this assembly the body calls (accessors and constructors included).</summary>
    public IEnumerable<IMethodSymbol> CallsOf(CancellationToken cancellationToken)
    {
        if (_findCalls is { } find)
        {
            lock (find)
            {
                return _calls ??= find(cancellationToken);
            }
        }

        return _calls ?? Enumerable.Empty<IMethodSymbol>();
    }

    private static string MemberName(ISymbol member) => member switch
    {
        IMethodSymbol { AssociatedSymbol: IPropertySymbol { IsIndexer: true } } => "this[]",
        IMethodSymbol { AssociatedSymbol: { } property } => property.Name,
        IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => member.ContainingType?.Name ?? member.Name,
        _ => member.Name,
    };
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

/// <summary>A call made while a lock is held.</summary>
internal sealed class HeldCall
{
    private readonly Held _held;
    private readonly bool _callOnThis;

    /// <param name="held">The lock held at the call.</param>
    /// <param name="callee">The method called.</param>
    /// <param name="location">The call.</param>
    /// <param name="allHeld">Every lock held at the call.</param>
    /// <param name="callOnThis">The call is on this instance (or static).</param>
    public HeldCall(Held held, IMethodSymbol callee, Location location, ImmutableArray<IFieldSymbol> allHeld, bool callOnThis)
    {
        _held = held;
        _callOnThis = callOnThis;
        Callee = callee;
        Location = location;
        AllHeld = allHeld;
    }

    public IFieldSymbol Held => _held.Field;

    public IMethodSymbol Callee { get; }

    public Location Location { get; }

    /// <summary>The syntax that acquired <see cref="Held"/>.</summary>
    public SyntaxNode Outer => _held.Outer;

    /// <summary>Every lock held at the call: the callee re-enters these rather than taking them.</summary>
    public ImmutableArray<IFieldSymbol> AllHeld { get; }

    /// <summary>The lock is held on this instance (or is static) and the call is on this instance (or static).</summary>
    public bool OnThis => _callOnThis && _held.OnThis;
}

/// <summary>A lock held at a point of a body: the field, the syntax that took it, whether on this instance (or static).</summary>
internal sealed class Held
{
    public Held(IFieldSymbol field, SyntaxNode outer, bool onThis)
    {
        Field = field;
        Outer = outer;
        OnThis = onThis;
    }

    public IFieldSymbol Field { get; }

    public SyntaxNode Outer { get; }

    public bool OnThis { get; }
}

/// <summary>A lock acquired again (by a call such as <c>Acquire</c> or <c>Hold</c>) where it is already held.</summary>
internal sealed class Reentry
{
    public Reentry(IFieldSymbol field, SyntaxNode site, SyntaxNode outer, bool onThis)
    {
        Field = field;
        Site = site;
        Outer = outer;
        OnThis = onThis;
    }

    public IFieldSymbol Field { get; }

    /// <summary>The acquisition made again.</summary>
    public SyntaxNode Site { get; }

    /// <summary>The acquisition that holds the lock there (the outermost).</summary>
    public SyntaxNode Outer { get; }

    /// <summary>Both acquisitions are on this instance (or static): the same lock object, not just the same field.</summary>
    public bool OnThis { get; }
}

/// <summary>
/// Collects <see cref="MethodLockFacts"/> per body, once per compilation, a syntax tree at a time:
/// the two CONC101 analyzers (inside one type while typing, across the compilation at its end) and
/// CONC102 share them.
/// </summary>
internal sealed class LockFactsCollector
{
    private static readonly ConditionalWeakTable<Compilation, LockFactsCollector> Collectors = new();

    private readonly LockRegions _regions;
    private readonly SynchronousCallbacks _callbacks;
    private readonly IAssemblySymbol _assembly;
    private readonly Compilation _compilation;
    private readonly LockSyntaxIndex _index;

    // The facts of the bodies with lock syntax: per type (the parts of a partial type come from
    // several trees), so threads reading different trees never meet on one table; and per tree,
    // the list the rules ask for.
    private readonly ConcurrentDictionary<INamedTypeSymbol, ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>>> _types = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, MethodLockFacts> _readLater = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<SyntaxTree, Lazy<IReadOnlyList<ImmutableArray<MethodLockFacts>>>> _trees = new();

    private LockFactsCollector(Compilation compilation)
    {
        _regions = new LockRegions(compilation, new LockSymbols(compilation));
        _callbacks = new SynchronousCallbacks(compilation);
        _assembly = compilation.Assembly;
        _compilation = compilation;
        _index = LockSyntaxIndex.For(compilation);
    }

    public static LockFactsCollector For(Compilation compilation) =>
        Collectors.GetValue(compilation, c => new LockFactsCollector(c));

    /// <summary>The facts of every body collected so far, in no particular order.</summary>
    public List<MethodLockFacts> All() => _types.SelectMany(type => Snapshot(type.Value)).ToList();

    /// <summary>The facts collected so far of the bodies of one type (its nested types' are theirs).</summary>
    public List<MethodLockFacts> Of(INamedTypeSymbol type) =>
        _types.TryGetValue(type, out var members) ? Snapshot(members) : new List<MethodLockFacts>();

    // Enumerating a concurrent dictionary takes no lock (its Values property takes them all).
    private static List<MethodLockFacts> Snapshot(ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>> members) =>
        members.SelectMany(member => member.Value).ToList();

    /// <summary>The facts of a method without lock syntax: its calls, read once when first needed.</summary>
    private MethodLockFacts FactsReadLater(IMethodSymbol method) => _readLater.GetOrAdd(method, m =>
    {
        var facts = new MethodLockFacts(m, m);
        facts.FindCallsLater(token => CallsOf(m, token));
        return facts;
    });

    /// <summary>
    /// Calls resolved over the facts collected; a method without lock syntax (not collected) gets
    /// facts read on demand, its calls only. Over the whole compilation (<paramref name="type"/> null)
    /// virtual calls reach the overrides and implementations of every type of the compilation; inside
    /// one type, only that type's methods are followed.
    /// </summary>
    public LockOrderGraph.ICallTargets Targets(IEnumerable<MethodLockFacts> collected, INamedTypeSymbol? type = null) => new CompilationTargets(this, collected, type);

    private sealed class CompilationTargets : LockOrderGraph.ICallTargets
    {
        private readonly LockFactsCollector _collector;
        private readonly INamedTypeSymbol? _type;
        private readonly Dictionary<ISymbol, MethodLockFacts> _facts = new(SymbolEqualityComparer.Default);
        private Dictionary<IMethodSymbol, List<IMethodSymbol>>? _overriding;

        public CompilationTargets(LockFactsCollector collector, IEnumerable<MethodLockFacts> collected, INamedTypeSymbol? type)
        {
            _collector = collector;
            _type = type;
            foreach (var fact in collected)
            {
                if (!_facts.ContainsKey(fact.Owner))
                {
                    _facts.Add(fact.Owner, fact);
                }
            }
        }

        public MethodLockFacts? FactsOf(IMethodSymbol method)
        {
            // A partial method is called by its declaration and has its body in its implementation.
            method = method.OriginalDefinition.PartialImplementationPart ?? method.OriginalDefinition;
            if (_facts.TryGetValue(method, out var known))
            {
                return known;
            }

            if (method.DeclaringSyntaxReferences.Length == 0
                || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _collector._assembly)
                || (_type is not null && !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)))
            {
                return null;
            }

            var later = _collector.FactsReadLater(method);
            _facts.Add(method, later);
            return later;
        }

        public IEnumerable<IMethodSymbol> Overriding(IMethodSymbol method) =>
            _type is not null ? Enumerable.Empty<IMethodSymbol>() : (_overriding ??= OverridingInCompilation()).TryGetValue(method.OriginalDefinition, out var list) ? list : Enumerable.Empty<IMethodSymbol>();

        // Overridden and interface methods → the methods of the compilation that override or implement them.
        private Dictionary<IMethodSymbol, List<IMethodSymbol>> OverridingInCompilation()
        {
            var result = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            void Add(IMethodSymbol implemented, IMethodSymbol implementation) => result.AddToList(implemented.OriginalDefinition, implementation);

            var types = new Stack<INamespaceOrTypeSymbol>();
            types.Push(_collector._assembly.GlobalNamespace);
            while (types.Count > 0)
            {
                var container = types.Pop();
                foreach (var member in container.GetMembers())
                {
                    switch (member)
                    {
                        case INamespaceOrTypeSymbol nested:
                            types.Push(nested);
                            break;
                        case IMethodSymbol { IsStatic: false, ContainingType: { } type } method:
                            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                            {
                                Add(overridden, method);
                            }

                            foreach (var explicitly in method.ExplicitInterfaceImplementations)
                            {
                                Add(explicitly, method);
                            }

                            foreach (var candidate in type.AllInterfaces.SelectMany(i => i.GetMembers(method.Name)).OfType<IMethodSymbol>())
                            {
                                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate)?.OriginalDefinition, method))
                                {
                                    Add(candidate, method);
                                }
                            }

                            break;
                    }
                }
            }

            return result;
        }
    }

    /// <summary>
    /// The facts of every member of a tree whose code has lock syntax (read from the tree's semantic
    /// model): one call per tree instead of one per member, for the rules that look at all the code
    /// with locks. Read once per tree: a lock rule that asks while another reads the tree waits for
    /// that reading instead of doing it again on the same cores.
    /// </summary>
    public IReadOnlyList<ImmutableArray<MethodLockFacts>> CollectTree(SemanticModel model, CancellationToken cancellationToken)
    {
        while (true)
        {
            var reading = _trees.TryGetValue(model.SyntaxTree, out var known)
                ? known
                : _trees.GetOrAdd(model.SyntaxTree, new Lazy<IReadOnlyList<ImmutableArray<MethodLockFacts>>>(() => ReadTree(model, cancellationToken)));
            try
            {
                return reading.Value;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The reading was another caller's, cancelled (the IDE cancels freely): read again.
                ((ICollection<KeyValuePair<SyntaxTree, Lazy<IReadOnlyList<ImmutableArray<MethodLockFacts>>>>>)_trees)
                    .Remove(new KeyValuePair<SyntaxTree, Lazy<IReadOnlyList<ImmutableArray<MethodLockFacts>>>>(model.SyntaxTree, reading));
            }
        }
    }

    /// <summary>
    /// <see cref="CollectTree(SemanticModel, CancellationToken)"/> for a tree the caller has no model of
    /// (at compilation end): usually read already; otherwise read from the compilation's model.
    /// </summary>
    public IReadOnlyList<ImmutableArray<MethodLockFacts>> CollectTree(SyntaxTree tree, CancellationToken cancellationToken) =>
        _trees.TryGetValue(tree, out var known) && known.IsValueCreated ? known.Value : CollectTree(ModelOf(tree), cancellationToken);

#pragma warning disable RS1030 // Another tree than the one analyzed: the analyzer driver's compilation hands out its cached models.
    private SemanticModel ModelOf(SyntaxTree tree) => _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

    /// <summary>
    /// The types with lock facts in a tree, each with the facts of all its parts (the parts of a
    /// partial type in other trees are collected too).
    /// </summary>
    public IEnumerable<INamedTypeSymbol> TypesIn(SemanticModel model, CancellationToken cancellationToken)
    {
        var types = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var fact in CollectTree(model, cancellationToken).SelectMany(member => member))
        {
            if (fact.Type is { } type && types.Add(type))
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree != model.SyntaxTree)
                    {
                        CollectTree(reference.SyntaxTree, cancellationToken);
                    }
                }
            }
        }

        return types;
    }

    [MethodImpl(HotPath.Optimized)]
    private List<ImmutableArray<MethodLockFacts>> ReadTree(SemanticModel model, CancellationToken cancellationToken)
    {
        var result = new List<ImmutableArray<MethodLockFacts>>();
        var tree = model.SyntaxTree;
        var sites = _index.SitesOf(tree, cancellationToken);
        if (sites.Length == 0)
        {
            return result;
        }

        var root = tree.GetRoot(cancellationToken);
        var owners = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        SyntaxNode? member = null;
        foreach (var site in sites)
        {
            if (member is not null && member.Span.Contains(site))
            {
                continue; // another site of the member just collected
            }

            member = null;
            if (MemberAt(root.FindToken(site)) is not var (declaration, body)
                || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } declared
                || (declared is IPropertySymbol property && body is ArrowExpressionClauseSyntax ? property.GetMethod : declared) is not { } owner)
            {
                continue;
            }

            // Top-level statements share the unit with the types declared after them.
            member = declaration is CompilationUnitSyntax ? null : declaration;
            if (!owners.Add(owner) || model.GetOperation(body, cancellationToken) is not { } operation)
            {
                continue;
            }

            var facts = Collect(owner, operation, cancellationToken);
            if (!facts.IsEmpty)
            {
                result.Add(facts);
            }
        }

        return result;
    }

    /// <summary>
    /// The member whose body holds a token, as the compiler hands members to analyzers: a method,
    /// constructor, operator or accessor; the getter of an expression-bodied property or indexer; a
    /// field or property initializer; the top-level statements. Local functions and lambdas belong to
    /// their member. Returns the declaration (for its symbol) and the syntax of its operation.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private static (SyntaxNode Declaration, SyntaxNode Body)? MemberAt(SyntaxToken token)
    {
        for (var node = token.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return (node, node);
                case ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax property }:
                    return (property, node);
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } field }:
                    return (field, node);
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                    return (property, node);
                case GlobalStatementSyntax { Parent: CompilationUnitSyntax unit }:
                    return (unit, unit);
                case BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax or AttributeListSyntax or ParameterListSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The facts of a member with lock syntax (its body, and the local functions in it), collected
    /// once. Members without lock syntax are never collected: a method's calls are read on demand,
    /// if a call made under a lock reaches it.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private ImmutableArray<MethodLockFacts> Collect(ISymbol owner, IOperation body, CancellationToken cancellationToken)
    {
        if (owner.ContainingType is not { } type)
        {
            return ImmutableArray<MethodLockFacts>.Empty;
        }

        // A type's members are added by the readings of the trees it is declared in: one, or a few
        // for a partial type. Reading is lock-free; adding takes the type's own lock.
        var members = _types.TryGetValue(type, out var known)
            ? known
            : _types.GetOrAdd(type, _ => new ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>>(concurrencyLevel: 1, capacity: 8, SymbolEqualityComparer.Default));
        return members.TryGetValue(owner, out var collected) ? collected : members.GetOrAdd(owner, Compute(owner, body, cancellationToken));
    }

    [MethodImpl(HotPath.Optimized)]
    private ImmutableArray<MethodLockFacts> Compute(ISymbol owner, IOperation body, CancellationToken cancellationToken)
    {
        if (owner is not IMethodSymbol method)
        {
            // A field or property initializer cannot be called: only the locks it nests itself matter.
            var initializer = new MethodLockFacts(owner, owner);
            new BodyWalker(this, initializer, locals: null).Walk(body, cancellationToken);
            return ImmutableArray.Create(initializer);
        }

        // Calls are read when a summary needs them (a call made under a lock reaches the method), so
        // the walk can leave out whatever takes no lock.
        var facts = new MethodLockFacts(method.OriginalDefinition, owner);
        facts.FindCallsLater(token => CallsOf(method, token));

        var locals = new Queue<ILocalFunctionOperation>();
        new BodyWalker(this, facts, locals).Walk(body, cancellationToken);

        if (locals.Count == 0)
        {
            return ImmutableArray.Create(facts);
        }

        // Local functions (nested ones too) have facts of their own, called like methods.
        var result = ImmutableArray.CreateBuilder<MethodLockFacts>();
        result.Add(facts);
        while (locals.Count > 0)
        {
            var local = locals.Dequeue();
            var localFunction = local.Symbol;
            var localFacts = new MethodLockFacts(localFunction.OriginalDefinition, owner);
            localFacts.FindCallsLater(token => CallsOf(localFunction, token));
            new BodyWalker(this, localFacts, locals).Walk(local, cancellationToken);
            result.Add(localFacts);
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// One walk over a body: the locks it takes and the methods it calls (where it runs them itself),
    /// and, under the stack of locks held at each point, the acquisitions and calls made while holding them.
    /// </summary>
    private sealed class BodyWalker
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
        public BodyWalker(LockFactsCollector collector, MethodLockFacts facts, Queue<ILocalFunctionOperation>? locals)
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

                case IAnonymousFunctionOperation lambda when !_collector._callbacks.RunsNow(lambda):
                    // Runs later, holding none of the locks held here.
                    var outside = _held;
                    _held = new List<Held>();
                    VisitChildren(lambda, runs: false);
                    _held = outside;
                    return;

                case ILockOperation lockStatement when LockRegions.FieldOf(lockStatement.LockedValue, anyInstance: true) is { } field:
                    Visit(lockStatement.LockedValue, runs);
                    var onThis = LockRegions.FieldOf(lockStatement.LockedValue) is not null;
                    Acquire(field, lockStatement.LockedValue.Syntax, lockStatement.Syntax, runs, monitor: true, onThis);
                    _held.Add(new Held(field, lockStatement.Syntax, onThis));
                    Visit(lockStatement.Body, runs);
                    _held.RemoveAt(_held.Count - 1);
                    return;

                case IUsingOperation { Resources: var resources, Body: var usingBody } when _collector._regions.Acquisition(resources) is { } scope
                    && LockRegions.FieldOf(scope.Lock, anyInstance: true) is { } field:
                    Visit(resources, runs);
                    _held.Add(new Held(field, scope.Call.Syntax, LockRegions.FieldOf(scope.Lock) is not null));
                    Visit(usingBody, runs);
                    _held.RemoveAt(_held.Count - 1);
                    return;

                case IBlockOperation block:
                    VisitBlock(block, runs);
                    return;

                case IInvocationOperation call when _collector._regions.LockTaken(call, anyInstance: true) is { } taken:
                    VisitChildren(call, runs);
                    Acquire(taken, call.Syntax, call.Syntax, runs, monitor: false, onThis: _collector._regions.LockTaken(call) is not null);
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
                if (_held.Count == 0 && !_collector._index.MayTakeLocks(statement.Syntax, _cancellationToken))
                {
                    beforeTry = null;
                    continue;
                }

                Visit(statement, runs);
                beforeTry = null;
                switch (statement)
                {
                    case IUsingDeclarationOperation { DeclarationGroup: var group } when _collector._regions.Acquisition(group) is { } scope
                        && LockRegions.FieldOf(scope.Lock, anyInstance: true) is { } field:
                        _held.Add(new Held(field, scope.Call.Syntax, LockRegions.FieldOf(scope.Lock) is not null));
                        break;
                    case IExpressionStatementOperation expression when StatementCall(expression.Operation) is { } call && _collector._regions.LockTaken(call, anyInstance: true) is { } field:
                        beforeTry = new Held(field, call.Syntax, _collector._regions.LockTaken(call) is not null);
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
                IInvocationOperation call => LockRegions.IsSameInstanceCall(call),
                IPropertyReferenceOperation property => LockRegions.IsSameInstanceReference(property),
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
    }

    /// <summary>
    /// The calls of a method without lock syntax, local functions included, read from its bodies
    /// when a summary first needs them.
    /// </summary>
    private HashSet<IMethodSymbol> CallsOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var calls = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var buffer = new List<IMethodSymbol>();
        foreach (var operation in OperationHelpers.BodiesOf(method, _compilation, cancellationToken).SelectMany(_callbacks.MayRun))
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Clear();
            AddCallees(operation, buffer);
            calls.UnionWith(buffer);
        }

        return calls;
    }

    /// <summary>The methods of this assembly an operation runs: a call, a property or indexer accessor, a constructor.</summary>
    [MethodImpl(HotPath.Optimized)]
    private void AddCallees(IOperation operation, List<IMethodSymbol> callees)
    {
        switch (operation)
        {
            case IInvocationOperation call:
                AddOwn(call.TargetMethod, callees);
                break;
            case IObjectCreationOperation { Constructor: { } constructor }:
                AddOwn(constructor, callees);
                break;
            case IPropertyReferenceOperation property:
                foreach (var accessor in LockRegions.AccessorsRun(property))
                {
                    AddOwn(accessor, callees);
                }

                break;
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private void AddOwn(IMethodSymbol method, List<IMethodSymbol> callees)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly))
        {
            callees.Add(method.OriginalDefinition);
        }
    }

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));
}
