using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;


/// <summary>
/// Collects <see cref="MethodLockFacts"/> per body, once per compilation, a syntax tree at a time:
/// the two CONC101 analyzers (inside one type while typing, across the compilation at its end) and
/// CONC102 share them.
/// </summary>
internal sealed class LockFactsCollector
{
    private static readonly ConditionalWeakTable<Compilation, LockFactsCollector> Collectors = new();

    private readonly LockIdentity _identity;
    private readonly SynchronousCallbacks _callbacks;
    private readonly IAssemblySymbol _assembly;
    private readonly Compilation _compilation;
    private readonly LockSyntaxIndex _index;
    private readonly CallTargets _targets;

    // The facts of the bodies with lock syntax: per type (the parts of a partial type come from
    // several trees), so threads reading different trees never meet on one table; and per tree,
    // the list the rules ask for.
    private readonly ConcurrentDictionary<INamedTypeSymbol, ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>>> _types = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, MethodLockFacts> _readLater = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<SyntaxTree, Lazy<IReadOnlyList<ImmutableArray<MethodLockFacts>>>> _trees = new();

    private LockFactsCollector(Compilation compilation)
    {
        _identity = new LockIdentity(LockSymbols.For(compilation));
        _callbacks = SynchronousCallbacks.For(compilation);
        _assembly = compilation.Assembly;
        _compilation = compilation;
        _index = LockSyntaxIndex.For(compilation);
        _targets = CallTargets.For(compilation);
    }

    /// <summary>Lock identity and acquisitions, shared with the body walker.</summary>
    internal LockIdentity Identity => _identity;

    /// <summary>Which lambdas run where they are written.</summary>
    internal SynchronousCallbacks Callbacks => _callbacks;

    /// <summary>Where lock syntax is.</summary>
    internal LockSyntaxIndex Index => _index;

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
    /// virtual calls reach the overrides and implementations below the receiver's type in the
    /// compilation; inside one type, only that type's methods are followed.
    /// </summary>
    public LockOrderGraph.ICallTargets Targets(IEnumerable<MethodLockFacts> collected, INamedTypeSymbol? type = null) => new FactsTargets(this, collected, type);

    private sealed class FactsTargets : LockOrderGraph.ICallTargets
    {
        private readonly LockFactsCollector _collector;
        private readonly INamedTypeSymbol? _type;
        private readonly Dictionary<ISymbol, MethodLockFacts> _facts = new(SymbolEqualityComparer.Default);

        public FactsTargets(LockFactsCollector collector, IEnumerable<MethodLockFacts> collected, INamedTypeSymbol? type)
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
            method = CallTargets.BodyOwner(method);
            if (_facts.TryGetValue(method, out var known))
            {
                return known;
            }

            if (!_collector._targets.IsInSource(method)
                || (_type is not null && !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)))
            {
                return null;
            }

            var later = _collector.FactsReadLater(method);
            _facts.Add(method, later);
            return later;
        }

        public IEnumerable<IMethodSymbol> Overriding(IMethodSymbol method, ITypeSymbol? receiver) =>
            _type is not null ? Enumerable.Empty<IMethodSymbol>() : _collector._targets.Overriding(method, receiver);
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
            new LockBodyWalker(this, initializer, locals: null).Walk(body, cancellationToken);
            return ImmutableArray.Create(initializer);
        }

        // Calls are read when a summary needs them (a call made under a lock reaches the method), so
        // the walk can leave out whatever takes no lock.
        var facts = new MethodLockFacts(method.OriginalDefinition, owner);
        facts.FindCallsLater(token => CallsOf(method, token));

        var locals = new Queue<ILocalFunctionOperation>();
        new LockBodyWalker(this, facts, locals).Walk(body, cancellationToken);

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
            new LockBodyWalker(this, localFacts, locals).Walk(local, cancellationToken);
            result.Add(localFacts);
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// The calls of a method without lock syntax, local functions included, read from its bodies
    /// when a summary first needs them.
    /// </summary>
    private HashSet<CalledMethod> CallsOf(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var calls = new HashSet<CalledMethod>();
        var buffer = new List<CalledMethod>();
        foreach (var operation in OperationHelpers.BodiesOf(method, _compilation, cancellationToken).SelectMany(_callbacks.MayRun))
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Clear();
            AddCallees(operation, buffer);
            calls.UnionWith(buffer);
        }

        return calls;
    }

    /// <summary>
    /// The methods of this assembly an operation runs — a call, a property or indexer accessor, a
    /// constructor (on a new object, so never this instance) — with the receiver's static type.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    internal void AddCallees(IOperation operation, List<CalledMethod> callees)
    {
        switch (operation)
        {
            case IInvocationOperation call:
                AddOwn(call.TargetMethod, Receiver(call.Instance, call.TargetMethod), InstanceCalls.IsSameInstanceCall(call), callees);
                break;
            case IObjectCreationOperation { Constructor: { } constructor } creation:
                AddOwn(constructor, creation.Type, onThis: false, callees);
                break;
            case IPropertyReferenceOperation property:
                var onThis = InstanceCalls.IsSameInstanceReference(property);
                foreach (var accessor in InstanceCalls.AccessorsRun(property))
                {
                    AddOwn(accessor, Receiver(property.Instance, accessor), onThis, callees);
                }

                break;
        }
    }

    // The receiver's static type bounds dispatch; this.M() and M() are on the containing type.
    private static ITypeSymbol? Receiver(IOperation? instance, IMethodSymbol method) =>
        method.IsStatic ? null : instance?.Type ?? method.ContainingType;

    [MethodImpl(HotPath.Optimized)]
    private void AddOwn(IMethodSymbol method, ITypeSymbol? receiver, bool onThis, List<CalledMethod> callees)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly))
        {
            callees.Add(new CalledMethod(method.OriginalDefinition, receiver?.OriginalDefinition, onThis));
        }
    }
}
