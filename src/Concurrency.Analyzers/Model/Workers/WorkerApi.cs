using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>
/// The lifecycle vocabulary of the lifecycle (CONC2xx) and shared-state (CONC3xx) rules: per worker
/// type — BCL and runtime threads, processes, tasks, the thread pool, timers — the members that start
/// a worker, wait for it, hand it work, stop it, or read its result. As <see cref="LockApi"/>
/// is for locks: the syntax index takes its names from here, <see cref="WorkerSymbols"/> binds them.
/// Pools and futures (course chapter 4) join the table with the runtime's executors.
/// </summary>
internal static class WorkerApi
{
    /// <summary>What a member does to a worker.</summary>
    public enum Role
    {
        /// <summary>Starts it: <c>Thread.Start</c>, <c>Process.Start</c>.</summary>
        Start,

        /// <summary>Waits for it to finish: <c>Join</c>, <c>Wait</c>, <c>WaitForExit</c>.</summary>
        Join,

        /// <summary>Hands work to a pool that runs it later: <c>Task.Run</c>, <c>QueueUserWorkItem</c>.</summary>
        Submit,

        /// <summary>Stops it, or stops it from running again: <c>Terminate</c>, <c>Kill</c>, <c>Cancel</c>, a timer's <c>Dispose</c>.</summary>
        Shutdown,

        /// <summary>Waits for its result: <c>Task&lt;T&gt;.Result</c>, <c>GetAwaiter().GetResult()</c> (on the awaiter: the worker is the receiver of <c>GetAwaiter</c>), a future's <c>Result()</c> and <c>GetException()</c>.</summary>
        Result,

        /// <summary>Makes a worker that owes a shutdown: an executor's constructor (member <c>.ctor</c>; a subclass's constructor counts as its base's).</summary>
        Create,
    }

    /// <summary>One row: a type (metadata name), a member, its role.</summary>
    public sealed class Entry
    {
        public Entry(string type, string member, Role role)
        {
            Type = type;
            Member = member;
            Role = role;
        }

        public string Type { get; }

        public string Member { get; }

        public Role Role { get; }
    }

    public static readonly ImmutableArray<Entry> Entries = ImmutableArray.Create(
        new Entry(KnownTypes.Bcl.Thread, "Start", Role.Start),
        new Entry(KnownTypes.Bcl.Thread, "UnsafeStart", Role.Start),
        new Entry(KnownTypes.Bcl.Thread, "Join", Role.Join),
        new Entry(KnownTypes.Runtime.Thread, "Start", Role.Start),
        new Entry(KnownTypes.Runtime.Thread, "Join", Role.Join),
        new Entry(KnownTypes.Runtime.Timer, "Cancel", Role.Shutdown),
        new Entry(KnownTypes.Runtime.Process, "Start", Role.Start),
        new Entry(KnownTypes.Runtime.Process, "Join", Role.Join),
        new Entry(KnownTypes.Runtime.Process, "Terminate", Role.Shutdown),
        new Entry(KnownTypes.Runtime.Process, "Kill", Role.Shutdown),
        new Entry(KnownTypes.Bcl.DiagnosticsProcess, "Start", Role.Start),
        new Entry(KnownTypes.Bcl.DiagnosticsProcess, "WaitForExit", Role.Join),
        new Entry(KnownTypes.Bcl.DiagnosticsProcess, "WaitForExitAsync", Role.Join),
        new Entry(KnownTypes.Bcl.DiagnosticsProcess, "Kill", Role.Shutdown),
        new Entry(KnownTypes.Bcl.Task, "Start", Role.Start),
        new Entry(KnownTypes.Bcl.Task, "Run", Role.Submit),
        new Entry(KnownTypes.Bcl.Task, "Wait", Role.Join),
        new Entry(KnownTypes.Bcl.Task, "WaitAll", Role.Join),
        new Entry(KnownTypes.Bcl.Task, "WaitAny", Role.Join),
        new Entry(KnownTypes.Bcl.TaskOfT, "Result", Role.Result),
        new Entry(KnownTypes.Bcl.TaskAwaiter, "GetResult", Role.Result),
        new Entry(KnownTypes.Bcl.TaskAwaiterOfT, "GetResult", Role.Result),
        new Entry(KnownTypes.Bcl.TaskFactory, "StartNew", Role.Submit),
        new Entry(KnownTypes.Bcl.TaskFactoryOfT, "StartNew", Role.Submit),
        new Entry(KnownTypes.Bcl.ThreadPool, "QueueUserWorkItem", Role.Submit),
        new Entry(KnownTypes.Bcl.ThreadPool, "UnsafeQueueUserWorkItem", Role.Submit),
        new Entry(KnownTypes.Bcl.ThreadingTimer, "Dispose", Role.Shutdown),
        new Entry(KnownTypes.Bcl.TimersTimer, "Start", Role.Start),
        new Entry(KnownTypes.Bcl.TimersTimer, "Stop", Role.Shutdown),
        new Entry(KnownTypes.Bcl.TimersTimer, "Dispose", Role.Shutdown),
        new Entry(KnownTypes.Runtime.Executor, WellKnownMemberNames.InstanceConstructorName, Role.Create),
        new Entry(KnownTypes.Runtime.Executor, "Submit", Role.Submit),
        new Entry(KnownTypes.Runtime.Executor, "Shutdown", Role.Shutdown),
        new Entry(KnownTypes.Runtime.Executor, "Dispose", Role.Shutdown),
        new Entry(KnownTypes.Runtime.Future, "Result", Role.Result),
        new Entry(KnownTypes.Runtime.Future, "GetException", Role.Result),
        new Entry(KnownTypes.Runtime.FutureOfT, "Result", Role.Result));

    /// <summary>The member names of a role: what a text-first index searches for.</summary>
    public static ImmutableHashSet<string> NamesOf(Role role) =>
        Entries.Where(e => e.Role == role).Select(e => e.Member).ToImmutableHashSet(StringComparer.Ordinal);
}

/// <summary>
/// <see cref="WorkerApi"/> bound to a compilation: the role of a call or property read, found by
/// the member's name and its containing type (a subclass's call of an inherited <c>Start</c> is the
/// base's: <c>Timer</c> is a runtime <c>Thread</c>). An override counts as the member it overrides
/// (<c>ThreadPoolExecutor.Shutdown</c> is <c>Executor.Shutdown</c>), and a constructor as the
/// constructor of every base type (<c>new ThreadPoolExecutor()</c> creates an <c>Executor</c>).
/// </summary>
internal sealed class WorkerSymbols
{
    private readonly Dictionary<string, List<(INamedTypeSymbol Type, WorkerApi.Role Role)>> _byMember = new(StringComparer.Ordinal);

    public WorkerSymbols(Compilation compilation)
    {
        foreach (var entry in WorkerApi.Entries)
        {
            if (compilation.GetTypeByMetadataName(entry.Type) is { } type)
            {
                _byMember.AddToList(entry.Member, (type, entry.Role));
            }
        }
    }

    /// <summary>What <paramref name="operation"/> (a call, a property read, an object creation) does to a worker, or null.</summary>
    public WorkerApi.Role? RoleOf(IOperation operation)
    {
        var member = operation switch
        {
            IInvocationOperation call => (ISymbol)call.TargetMethod,
            IPropertyReferenceOperation property => property.Property,
            IObjectCreationOperation { Constructor: { } constructor } => constructor,
            _ => null,
        };
        if (member is null || !_byMember.TryGetValue(member.Name, out var candidates))
        {
            return null;
        }

        for (var current = member; current is not null; current = Overridden(current))
        {
            for (var owner = current.ContainingType?.OriginalDefinition; owner is not null; owner = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? owner.BaseType?.OriginalDefinition : null)
            {
                foreach (var (type, role) in candidates)
                {
                    if (TaskSymbols.Is(owner, type))
                    {
                        return role;
                    }
                }
            }
        }

        return null;
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol { IsOverride: true } method => method.OverriddenMethod,
        IPropertySymbol { IsOverride: true } property => property.OverriddenProperty,
        _ => null,
    };
}
