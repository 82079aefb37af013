using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>What an access does to the variable it touches.</summary>
internal enum AccessKind
{
    Read,

    /// <summary><c>x = v</c>, <c>ref x</c>/<c>out x</c> to a method that is not atomic.</summary>
    Write,

    /// <summary>Read-modify-write: <c>x++</c>, <c>x += v</c> — two steps another thread can come between.</summary>
    ReadModifyWrite,
}

/// <summary>One access of a field or captured variable, with how it may run beside other code.</summary>
internal sealed class SharedAccess
{
    public SharedAccess(IOperation operation, ISymbol variable, ISymbol member, AccessKind kind, Func<HashSet<string>> locks, ConcurrentContext? context, IReadOnlyList<EntryPoint> runningBeside, Func<bool> afterAJoin)
    {
        Operation = operation;
        Variable = variable;
        Member = member;
        Kind = kind;
        _locks = locks;
        Context = context;
        RunningBeside = runningBeside;
        _afterAJoin = new Lazy<bool>(afterAJoin, LazyThreadSafetyMode.None);
    }

    public IOperation Operation { get; }

    /// <summary>The field (its definition) or the captured local or parameter.</summary>
    public ISymbol Variable { get; }

    /// <summary>The member whose body holds the access.</summary>
    public ISymbol Member { get; }

    public AccessKind Kind { get; }

    private Func<HashSet<string>>? _locks;
    private HashSet<string>? _held;

    /// <summary>The locks certainly held at the access (<see cref="HeldLocks"/> keys): read when first asked (most accesses never pair with another, and reading them is the costly part).</summary>
    public HashSet<string> Locks
    {
        get
        {
            if (_held is null)
            {
                _held = _locks!();
                _locks = null;
            }

            return _held;
        }
    }

    /// <summary>The concurrent context the access runs in, or null.</summary>
    public ConcurrentContext? Context { get; }

    /// <summary>Outside a context: the entry points its member started earlier and has not waited for yet, which run beside it.</summary>
    public IReadOnlyList<EntryPoint> RunningBeside { get; }

    /// <summary>Its member waits for a worker (a join, a wait, an await) before it: what it reads was published by then.</summary>
    public bool AfterAJoin => _afterAJoin.Value;

    private readonly Lazy<bool> _afterAJoin;

    public bool IsWrite => Kind != AccessKind.Read;
}

/// <summary>
/// The accesses the shared-state rules pair up: reads and writes of fields and captured variables,
/// each with the locks held at it and how it runs concurrently — in a context
/// (<see cref="ConcurrentContexts"/>), or in the code that started workers and has not waited for
/// them yet — and whether two of them may race (<see cref="MayRace"/>): run at the same time, one
/// a write, no common lock. Happens-before, as far as it goes: code before a start does not run
/// beside the worker, code after a join, a wait or an await of its member is taken to run after
/// it, and a <c>Parallel</c> call waits for its bodies.
/// </summary>
internal sealed class SharedAccesses
{
    private static readonly ConditionalWeakTable<Compilation, SharedAccesses> PerCompilation = new();

    private readonly ConcurrentContexts _contexts;
    private readonly HeldLocks _held;
    private readonly WorkerSymbols _workers;
    private readonly ConcurrentDictionary<SyntaxNode, int[]> _waits = new();
    private readonly ConcurrentDictionary<SyntaxNode, HashSet<ISymbol>> _captured = new();
    private readonly ConcurrentDictionary<SyntaxNode, EntryPoint[]> _started = new();

    private SharedAccesses(Compilation compilation)
    {
        _contexts = ConcurrentContexts.For(compilation);
        _held = HeldLocks.For(compilation);
        _workers = new WorkerSymbols(compilation);
    }

    public static SharedAccesses For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new SharedAccesses(c));

    public ConcurrentContexts Contexts => _contexts;

    /// <summary>
    /// The access <paramref name="operation"/> makes (a field, local or parameter reference), or null
    /// when it is not one the rules pair: a constant or readonly field, <c>nameof</c>, an atomic access
    /// (<c>Interlocked</c>, <c>Volatile</c>), a local no lambda or local function captures, per-thread state.
    /// </summary>
    public SharedAccess? Of(IOperation operation, ISymbol member, CancellationToken cancellationToken)
    {
        ISymbol? variable = operation switch
        {
            IFieldReferenceOperation field when !field.Field.IsConst && !field.Field.IsReadOnly && !IsPerThread(field.Field) => field.Field.OriginalDefinition,
            ILocalReferenceOperation local when StartsWorkers(local) && IsCaptured(local, local.Local) => local.Local,
            IParameterReferenceOperation parameter when StartsWorkers(parameter) && IsCaptured(parameter, parameter.Parameter) => parameter.Parameter,
            _ => null,
        };
        if (variable is null || OperationHelpers.IsInsideNameOf(operation) || FieldAccesses.IsAtomic(operation) || FieldAccesses.IsLockedObject(operation))
        {
            return null;
        }

        var context = _contexts.Of(operation, member);
        var beside = context is null ? RunningBeside(operation) : (IReadOnlyList<EntryPoint>)Array.Empty<EntryPoint>();
        return new SharedAccess(operation, variable, member, FieldAccesses.KindOf(operation), () => _held.HeldAt(operation, cancellationToken), context, beside, () => context is null && beside.Count == 0 && WaitsBefore(operation));
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> may run at the same time with no lock in
    /// common, and one of them writes: two contexts (or one that runs beside itself), a context and
    /// the code that started it and has not waited, or a context started by a member of the type and
    /// another member of the type that does not wait for it first (the worker outlives its starter).
    /// Reads of a volatile field, and plain writes of a reference (publishing one is atomic), race
    /// only with writes.
    /// </summary>
    public static bool MayRace(SharedAccess a, SharedAccess b)
    {
        if (!a.IsWrite && !b.IsWrite)
        {
            return false;
        }

        var onlyWithWrites = a.Variable is IFieldSymbol { IsVolatile: true } || (IsReferencePublication(a) || IsReferencePublication(b));
        if (onlyWithWrites && !(a.IsWrite && b.IsWrite))
        {
            return false;
        }

        // The locks last: reading them is the costly part.
        return (Together(a, b) || Together(b, a)) && !a.Locks.Overlaps(b.Locks);
    }

    // Whether a (in a context) runs beside b.
    private static bool Together(SharedAccess a, SharedAccess b)
    {
        if (a.Context is not { } context || !Shares(a) || (b.Context is not null && !Shares(b)))
        {
            return false;
        }

        if (b.Context is { } other)
        {
            return !context.Location.Equals(other.Location) || (context.RunsConcurrentlyWithItself && !IsPerInstanceCopy(a, context));
        }

        if (context.Entry is { } entry && b.RunningBeside.Contains(entry))
        {
            return true;
        }

        // Another member of the type that started the worker: it may be called while the worker runs.
        return context.Kind != EntryPointKind.Parallel
            && !b.AfterAJoin
            && b.RunningBeside.Count == 0
            && b.Member is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor }
            && SymbolEqualityComparer.Default.Equals(context.Starter, b.Member.ContainingType?.OriginalDefinition)
            && (context.Entry is null || !IsInside(context.Entry.HandedTo, b.Operation));
    }

    // Copies of a worker that reach an instance field through calls on another object may each work
    // on their own object (real code: Redis starts one reader thread per connection,
    // new Thread(() => conn.ReadAll())); copies that call into 'this' (a periodic timer's
    // _ => Tick(), new Thread(Work)) share it.
    private static bool IsPerInstanceCopy(SharedAccess access, ConcurrentContext context) =>
        access.Variable is IFieldSymbol { IsStatic: false }
        && !context.Chain.IsEmpty
        && context.Entry?.CallsIntoThis != true;

    // An instance field is shared with a worker the object's own code starts (the worker reads this
    // object's field); a worker another type starts may be given another object each time.
    private static bool Shares(SharedAccess access) =>
        access.Variable is not IFieldSymbol { IsStatic: false } field
        || SymbolEqualityComparer.Default.Equals(access.Context?.Starter, field.ContainingType.OriginalDefinition);

    private static bool IsReferencePublication(SharedAccess access) =>
        access.Kind == AccessKind.Write && access.Variable.GetSymbolType() is { IsReferenceType: true };

    // Whether the start is in the member that holds the access (operations of one analysis share a root; the start was bound on its own).
    private static bool IsInside(IOperation start, IOperation access) =>
        start.Syntax.SyntaxTree == access.Syntax.SyntaxTree && OperationHelpers.Root(access).Syntax.Span.Contains(start.Syntax.Span);

    // The entry points started earlier in the access's member (not in the worker itself), whose
    // start is not followed by a wait before the access; a Parallel call returns when its bodies are done.
    private IReadOnlyList<EntryPoint> RunningBeside(IOperation operation)
    {
        var root = OperationHelpers.Root(operation);
        var position = operation.Syntax.SpanStart;
        List<EntryPoint>? beside = null;
        var started = Started(root);
        if (started.Length == 0)
        {
            return Array.Empty<EntryPoint>();
        }

        foreach (var entry in started)
        {
            var start = entry.HandedTo.Syntax.Span;
            if (entry.Kind == EntryPointKind.Parallel || start.End > position || entry.Function.Syntax.Span.Contains(operation.Syntax.Span))
            {
                continue;
            }

            // The first wait that ends after the start (await Task.Run(…) ends right after it).
            var waits = Waits(root);
            var wait = Array.BinarySearch(waits, start.End);
            if (wait < 0)
            {
                wait = ~wait;
            }

            if (wait >= waits.Length || waits[wait] > position)
            {
                (beside ??= new List<EntryPoint>()).Add(entry);
            }
        }

        return (IReadOnlyList<EntryPoint>?)beside ?? Array.Empty<EntryPoint>();
    }

    private bool WaitsBefore(IOperation operation)
    {
        var waits = Waits(OperationHelpers.Root(operation));
        return waits.Length > 0 && waits[0] < operation.Syntax.SpanStart;
    }

    // Where a member's waits for a worker end: joins and waits (the worker table's), and awaits; sorted.
    private int[] Waits(IOperation root) => _waits.GetOrAdd(root.Syntax, _ => root.Descendants()
        .Where(o => o is IAwaitOperation || (o is IInvocationOperation && _workers.RoleOf(o) == WorkerApi.Role.Join))
        .Select(o => o.Syntax.Span.End)
        .OrderBy(p => p)
        .ToArray());

    // [ThreadStatic] fields: one per thread.
    private static bool IsPerThread(IFieldSymbol field) =>
        field.IsStatic && field.GetAttributes().Any(a => a.AttributeClass is { Name: "ThreadStaticAttribute", ContainingNamespace.Name: "System" });

    // Whether the member starts workers: only then can the lambdas that capture its locals run beside
    // each other or it (a lambda it runs at once or stores is no worker of its own).
    private bool StartsWorkers(IOperation reference) => Started(OperationHelpers.Root(reference)).Length > 0;

    private EntryPoint[] Started(IOperation root) => _started.GetOrAdd(root.Syntax, _ => _contexts.StartedIn(root).ToArray());

    // A local or parameter some lambda or local function of the member uses, declared outside it.
    private bool IsCaptured(IOperation reference, ISymbol variable) =>
        variable is not (ILocalSymbol { IsRef: true } or IParameterSymbol { RefKind: not RefKind.None })
        && _captured.GetOrAdd(OperationHelpers.Root(reference).Syntax, _ => Captured(OperationHelpers.Root(reference))).Contains(variable);

    private static HashSet<ISymbol> Captured(IOperation root)
    {
        var captured = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var function in root.DescendantsAndSelf().Where(o => o is IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            foreach (var use in function.Descendants())
            {
                ISymbol? variable = use switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (variable is not null && !variable.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == function.Syntax.SyntaxTree && function.Syntax.Span.Contains(r.Span)))
                {
                    captured.Add(variable);
                }
            }
        }

        return captured;
    }
}
