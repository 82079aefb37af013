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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, ImmutableArray<MethodLockFacts>> _facts = new(SymbolEqualityComparer.Default);

    private LockFactsCollector(Compilation compilation)
    {
        _regions = new LockRegions(compilation, new LockSymbols(compilation));
        _callbacks = new SynchronousCallbacks(compilation);
        _assembly = compilation.Assembly;
    }

    public static LockFactsCollector For(Compilation compilation) =>
        Collectors.GetValue(compilation, c => new LockFactsCollector(c));

    /// <summary>The facts of a member's operation blocks and of the local functions in them.</summary>
    public ImmutableArray<MethodLockFacts> Collect(ISymbol owner, ImmutableArray<IOperation> blocks, CancellationToken cancellationToken) =>
        _facts.GetOrAdd(owner, _ => Compute(owner, blocks, cancellationToken));

    private ImmutableArray<MethodLockFacts> Compute(ISymbol owner, ImmutableArray<IOperation> blocks, CancellationToken cancellationToken)
    {
        var result = ImmutableArray.CreateBuilder<MethodLockFacts>();
        var facts = new MethodLockFacts(Key(owner), owner.ContainingType, $"{owner.ContainingType?.Name}.{MemberName(owner)}");
        result.Add(facts);
        foreach (var block in blocks)
        {
            Collect(block, facts, cancellationToken);
            foreach (var local in block.Descendants().OfType<ILocalFunctionOperation>())
            {
                var localFacts = new MethodLockFacts(Key(local.Symbol), owner.ContainingType, facts.Member);
                Collect(local, localFacts, cancellationToken);
                result.Add(localFacts);
            }
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

    private void Collect(IOperation body, MethodLockFacts facts, CancellationToken cancellationToken)
    {
        foreach (var operation in _callbacks.RunBy(body))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (operation is ILockOperation lockStatement && LockRegions.FieldOf(lockStatement.LockedValue, anyInstance: true) is { } field)
            {
                facts.Takes.Add(field);
                facts.MonitorLocks.Add(field);
            }
            else if (operation is IInvocationOperation call && _regions.LockTaken(call, anyInstance: true) is { } taken)
            {
                facts.Takes.Add(taken);
            }
            else
            {
                foreach (var callee in Callees(operation))
                {
                    facts.Calls.Add(callee);
                }
            }
        }

        var regions = _regions.HeldRegions(body, anyInstance: true)
            .Where(r => NearestLocalFunction(r.Acquisition) == (body as ILocalFunctionOperation)) // a local function's regions are its own facts
            .ToList();
        if (regions.Count == 0)
        {
            return;
        }

        var heldIn = new Dictionary<IOperation, List<IFieldSymbol>>();
        foreach (var (held, region, _) in regions)
        {
            if (!heldIn.TryGetValue(region, out var fields))
            {
                heldIn[region] = fields = new List<IFieldSymbol>();
            }

            fields.Add(held);
        }

        // Taking a lock the code already holds only re-enters it: no order between the two.
        bool AlreadyHeld(IOperation site, IFieldSymbol taken)
        {
            for (var current = site.Parent; current is not null; current = current.Parent)
            {
                if (heldIn.TryGetValue(current, out var fields) && fields.Contains(taken, SymbolEqualityComparer.Default))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var (held, region, acquisition) in regions)
        {
            foreach (var operation in _callbacks.RunBy(region))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case ILockOperation inner when LockRegions.FieldOf(inner.LockedValue, anyInstance: true) is { } taken:
                        if (!SymbolEqualityComparer.Default.Equals(taken, held) && !AlreadyHeld(inner, taken))
                        {
                            facts.Nested.Add(new LockEdge(held, taken, inner.LockedValue.Syntax.GetLocation(), facts, acquisition.Syntax, IsDirectlyNested(acquisition.Syntax, inner.Syntax)));
                        }

                        break;
                    case IInvocationOperation call when _regions.LockTaken(call, anyInstance: true) is { } taken:
                        if (!SymbolEqualityComparer.Default.Equals(taken, held) && !AlreadyHeld(call, taken))
                        {
                            facts.Nested.Add(new LockEdge(held, taken, call.Syntax.GetLocation(), facts, acquisition.Syntax, directlyNested: false));
                        }

                        break;
                    default:
                        foreach (var callee in Callees(operation))
                        {
                            facts.HeldCalls.Add(new HeldCall(held, callee, operation.Syntax.GetLocation(), acquisition.Syntax, HeldAround(operation, heldIn)));
                        }

                        break;
                }
            }
        }
    }

    private static ImmutableArray<IFieldSymbol> HeldAround(IOperation site, Dictionary<IOperation, List<IFieldSymbol>> heldIn)
    {
        var builder = ImmutableArray.CreateBuilder<IFieldSymbol>();
        for (var current = site.Parent; current is not null; current = current.Parent)
        {
            if (heldIn.TryGetValue(current, out var fields))
            {
                builder.AddRange(fields);
            }
        }

        return builder.ToImmutable();
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
                var written = (operation.Parent is IAssignmentOperation assignment && assignment.Target == operation) || operation.Parent is IIncrementOrDecrementOperation;
                var readToo = !written || operation.Parent is ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation;
                return Own(written ? property.Property.SetMethod : null).Concat(Own(readToo ? property.Property.GetMethod : null));
            default:
                return Enumerable.Empty<IMethodSymbol>();
        }
    }

    private IEnumerable<IMethodSymbol> Own(IMethodSymbol? method) =>
        method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly)
            ? new[] { method.OriginalDefinition }
            : Enumerable.Empty<IMethodSymbol>();

    private static ILocalFunctionOperation? NearestLocalFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILocalFunctionOperation local)
            {
                return local;
            }
        }

        return null;
    }

    // lock (a) { lock (b) { ... } } with nothing else in the outer body.
    private static bool IsDirectlyNested(SyntaxNode outer, SyntaxNode inner) =>
        outer is LockStatementSyntax outerLock
        && (outerLock.Statement == inner || (outerLock.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] == inner));
}
