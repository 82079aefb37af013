using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

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
    private List<LockId>? _takes;
    private List<LockId>? _monitorLocks;
    private HashSet<CalledMethod>? _calls;
    private List<LockEdge>? _nested;
    private List<HeldCall>? _heldCalls;
    private List<Reentry>? _reentries;
    private List<ParameterOrder>? _parameterOrders;
    private Func<CancellationToken, HashSet<CalledMethod>>? _findCalls;

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

    /// <summary>
    /// The locks the body takes wherever it runs them; those it takes on another object than its own
    /// (<c>lock (other._gate)</c>) are marked <see cref="LockId.IsOnOtherInstance"/>.
    /// </summary>
    public IEnumerable<LockId> Takes => _takes ?? Enumerable.Empty<LockId>();

    /// <summary>The field locks the body takes with a <c>lock</c> statement (Monitor locks, reentrant).</summary>
    public IEnumerable<LockId> MonitorLocks => _monitorLocks ?? Enumerable.Empty<LockId>();

    /// <summary>"B is taken while A is held", for acquisitions the body makes itself.</summary>
    public IReadOnlyList<LockEdge> Nested => (IReadOnlyList<LockEdge>?)_nested ?? Array.Empty<LockEdge>();

    /// <summary>Calls the body makes while holding a lock: the callee's locks are taken under it.</summary>
    public IReadOnlyList<HeldCall> HeldCalls => (IReadOnlyList<HeldCall>?)_heldCalls ?? Array.Empty<HeldCall>();

    public void AddTake(LockId field, bool monitor, bool onThis)
    {
        // A body takes a few locks: a list searched is cheaper than a set.
        AddOnce(ref _takes, onThis ? field : field.OnOtherInstance());
        if (monitor)
        {
            AddOnce(ref _monitorLocks, field);
        }
    }

    private static void AddOnce(ref List<LockId>? fields, LockId field)
    {
        fields ??= new List<LockId>(2);
        foreach (var known in fields)
        {
            if (known.Equals(field))
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

    /// <summary>Locks on two parameters taken one inside the other, without ordering them first: the callers choose the order.</summary>
    public IReadOnlyList<ParameterOrder> ParameterOrders => (IReadOnlyList<ParameterOrder>?)_parameterOrders ?? Array.Empty<ParameterOrder>();

    public void AddParameterOrder(ParameterOrder order) => (_parameterOrders ??= new List<ParameterOrder>()).Add(order);

    /// <summary>
    /// The calls are found only when a summary needs them, that is when a call made under a lock
    /// reaches the method: most methods never are, and their bodies are never walked for calls.
    /// </summary>
    public void FindCallsLater(Func<CancellationToken, HashSet<CalledMethod>> find) => _findCalls = find;

    /// <summary>The methods of this assembly the body calls (accessors and constructors included), with their receivers.</summary>
    public IEnumerable<CalledMethod> CallsOf(CancellationToken cancellationToken)
    {
        if (_findCalls is { } find)
        {
            lock (find)
            {
                return _calls ??= find(cancellationToken);
            }
        }

        return _calls ?? Enumerable.Empty<CalledMethod>();
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
    public LockEdge(LockId held, LockId taken, Location location, MethodLockFacts site, SyntaxNode outer, ImmutableArray<LockId> allHeld, bool directlyNested, Func<string?>? through = null)
    {
        _through = through;
        Held = held;
        Taken = taken;
        Location = location;
        Site = site;
        Outer = outer;
        AllHeld = allHeld;
        DirectlyNested = directlyNested;
    }

    public LockId Held { get; }

    public LockId Taken { get; }

    public Location Location { get; }

    /// <summary>The body that makes the acquisition.</summary>
    public MethodLockFacts Site { get; }

    /// <summary>The syntax that acquired <see cref="Held"/> (a <c>lock</c> or <c>using</c> statement, or a call).</summary>
    public SyntaxNode Outer { get; }

    /// <summary>
    /// Every lock held at the acquisition, <see cref="Held"/> included: a lock held at every edge of a
    /// cycle is a gate that lets one thread at a time into the cycle, which then cannot deadlock.
    /// </summary>
    public ImmutableArray<LockId> AllHeld { get; }

    /// <summary>The acquisition is a <c>lock</c> statement that is the whole body of the <c>lock</c> holding the other lock.</summary>
    public bool DirectlyNested { get; }

    private readonly Func<string?>? _through;

    /// <summary>
    /// For a lock taken through calls, the calls from the site down to it (<c>Audit() → Write()</c>),
    /// named only when a message needs them; null for an acquisition in the site's own body.
    /// </summary>
    public string? Through => _through?.Invoke();
}

/// <summary>
/// A method a body calls: the method, the static type of the receiver (which bounds the overrides a
/// virtual call may run), and whether the call is on the body's own instance (or static) — a call on
/// another object runs that object's locks, not this one's.
/// </summary>
internal sealed class CalledMethod : IEquatable<CalledMethod>
{
    public CalledMethod(IMethodSymbol method, ITypeSymbol? receiver, bool onThis)
    {
        Method = method;
        Receiver = receiver;
        OnThis = onThis;
    }

    public IMethodSymbol Method { get; }

    public ITypeSymbol? Receiver { get; }

    public bool OnThis { get; }

    public bool Equals(CalledMethod? other) =>
        other is not null && other.OnThis == OnThis && SymbolEqualityComparer.Default.Equals(other.Method, Method) && SymbolEqualityComparer.Default.Equals(other.Receiver, Receiver);

    public override bool Equals(object? obj) => Equals(obj as CalledMethod);

    public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Method) * 2) + (OnThis ? 1 : 0);
}

/// <summary>A call made while a lock is held.</summary>
internal sealed class HeldCall
{
    private readonly Held _held;
    private readonly CalledMethod _call;

    /// <param name="held">The lock held at the call.</param>
    /// <param name="call">The method called, its receiver, whether on this instance (or static).</param>
    /// <param name="location">The call.</param>
    /// <param name="allHeld">Every lock held at the call.</param>
    public HeldCall(Held held, CalledMethod call, Location location, ImmutableArray<LockId> allHeld)
    {
        _held = held;
        _call = call;
        Location = location;
        AllHeld = allHeld;
    }

    public LockId Held => _held.Field;

    public IMethodSymbol Callee => _call.Method;

    /// <summary>The static type of the receiver (null for a static call).</summary>
    public ITypeSymbol? Receiver => _call.Receiver;

    /// <summary>The call is on this instance (or static): the callee's own locks are this object's.</summary>
    public bool CallOnThis => _call.OnThis;

    public Location Location { get; }

    /// <summary>The syntax that acquired <see cref="Held"/>.</summary>
    public SyntaxNode Outer => _held.Outer;

    /// <summary>Every lock held at the call: the callee re-enters these rather than taking them.</summary>
    public ImmutableArray<LockId> AllHeld { get; }

    /// <summary>The lock is held on this instance (or is static) and the call is on this instance (or static).</summary>
    public bool OnThis => _call.OnThis && _held.OnThis;
}

/// <summary>A lock held at a point of a body: the field, the syntax that took it, whether on this instance (or static).</summary>
internal sealed class Held
{
    public Held(LockId field, SyntaxNode outer, bool onThis)
    {
        Field = field;
        Outer = outer;
        OnThis = onThis;
    }

    public LockId Field { get; }

    public SyntaxNode Outer { get; }

    public bool OnThis { get; }
}

/// <summary>A lock acquired again (by a call such as <c>Acquire</c> or <c>Hold</c>) where it is already held.</summary>
internal sealed class Reentry
{
    public Reentry(LockId field, SyntaxNode site, SyntaxNode outer, bool onThis)
    {
        Field = field;
        Site = site;
        Outer = outer;
        OnThis = onThis;
    }

    public LockId Field { get; }

    /// <summary>The acquisition made again.</summary>
    public SyntaxNode Site { get; }

    /// <summary>The acquisition that holds the lock there (the outermost).</summary>
    public SyntaxNode Outer { get; }

    /// <summary>Both acquisitions are on this instance (or static): the same lock object, not just the same field.</summary>
    public bool OnThis { get; }
}

/// <summary>
/// "The lock on parameter <see cref="Taken"/> is acquired while the lock on parameter <see cref="Held"/>
/// is held" (<c>lock (from.Gate) { lock (to.Gate) … }</c>): a call passing two objects in one order,
/// and another passing them in the other, can deadlock.
/// </summary>
internal sealed class ParameterOrder
{
    public ParameterOrder(IParameterSymbol held, IParameterSymbol taken)
    {
        Held = held;
        Taken = taken;
    }

    public IParameterSymbol Held { get; }

    public IParameterSymbol Taken { get; }
}
