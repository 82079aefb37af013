using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Concurrency.Analyzers.Model.Workers;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// The calls that park the calling thread until another thread acts, for the rule about the one
/// thread of a hub (CONC405), in one place. The table lists only the waits no other table names:
/// <c>Thread.Sleep</c>, events, conditions, barriers, wait handles, the inter-process queue and
/// pipe, queue joins and the hub greenlet's <c>Join</c>. The rest is read from the tables that
/// already know it: lock acquisitions from <see cref="LockApi"/> (through <see cref="LockSymbols"/>),
/// worker joins (<c>Thread.Join</c>, <c>Process.Join</c>, <c>WaitForExit</c>) from
/// <see cref="WorkerApi"/>, waits on tasks and futures from <see cref="BlockingWait"/>, and
/// synchronous IO from <see cref="AsyncCounterparts"/>. A poll is not blocking: an argument
/// <c>block</c>/<c>blocking</c> passed <c>false</c>, a zero timeout, a <c>TryEnter</c> without one.
/// </summary>
internal static class BlockingApi
{
    /// <summary>
    /// One row: a type (metadata name), a method of it (or of a type derived from it) that blocks,
    /// and the awaitable method that takes the same arguments where the finder of
    /// <see cref="AsyncCounterparts"/> cannot see it (its optional parameter is not a token).
    /// </summary>
    public sealed class Entry
    {
        public Entry(string type, string member, string? awaitable = null)
        {
            Type = type;
            Member = member;
            Awaitable = awaitable;
        }

        public string Type { get; }

        public string Member { get; }

        public string? Awaitable { get; }
    }

    public static readonly ImmutableArray<Entry> Entries = ImmutableArray.Create(
        new Entry(KnownTypes.Bcl.Thread, "Sleep"),
        new Entry(KnownTypes.Bcl.Monitor, "Wait"),
        new Entry(KnownTypes.Bcl.WaitHandle, "WaitOne"),
        new Entry(KnownTypes.Bcl.WaitHandle, "WaitAll"),
        new Entry(KnownTypes.Bcl.WaitHandle, "WaitAny"),
        new Entry(KnownTypes.Bcl.WaitHandle, "SignalAndWait"),
        new Entry(KnownTypes.Bcl.ManualResetEventSlim, "Wait"),
        new Entry(KnownTypes.Bcl.CountdownEvent, "Wait"),
        new Entry(KnownTypes.Bcl.ThreadingBarrier, "SignalAndWait"),
        new Entry(KnownTypes.Runtime.Event, "Wait"),
        new Entry(KnownTypes.Runtime.Condition, "Wait"),
        new Entry(KnownTypes.Runtime.Condition, "WaitFor"),
        new Entry(KnownTypes.Runtime.Barrier, "Wait"),
        new Entry(KnownTypes.Runtime.ThreadQueue, "Join"),
        new Entry(KnownTypes.Runtime.ProcessQueue, "Get"),
        new Entry(KnownTypes.Runtime.ProcessQueue, "Put"),
        new Entry(KnownTypes.Runtime.ProcessQueue, "Join"),
        new Entry(KnownTypes.Runtime.Connection, "Recv"),
        new Entry(KnownTypes.Runtime.HubGreenlet, "Join", "JoinAsync"));
}

/// <summary><see cref="BlockingApi"/> bound to a compilation, with the lock and worker tables beside it.</summary>
internal sealed class BlockingApiSymbols
{
    private static readonly ConditionalWeakTable<Compilation, BlockingApiSymbols> PerCompilation = new();

    private readonly Dictionary<string, List<(INamedTypeSymbol Type, string? Awaitable)>> _byMember = new(StringComparer.Ordinal);
    private readonly LockSymbols _locks;
    private readonly WorkerSymbols _workers;
    private readonly INamedTypeSymbol? _timeSpan;

    private BlockingApiSymbols(Compilation compilation)
    {
        foreach (var entry in BlockingApi.Entries)
        {
            if (compilation.GetTypeByMetadataName(entry.Type) is { } type)
            {
                _byMember.AddToList(entry.Member, (type, entry.Awaitable));
            }
        }

        _locks = LockSymbols.For(compilation);
        _workers = new WorkerSymbols(compilation);
        _timeSpan = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimeSpan);
    }

    public static BlockingApiSymbols For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new BlockingApiSymbols(c));

    /// <summary>
    /// The blocking call <paramref name="invocation"/> makes, as <c>Type.Member</c> (<c>Event.Wait</c>,
    /// <c>Lock.Acquire</c>, <c>Thread.Join</c>), or null when it is none of the table's or only polls.
    /// Waits on tasks and synchronous IO are not this table's (<see cref="BlockingWait"/>, <see cref="AsyncCounterparts"/>).
    /// </summary>
    public string? BlockerOf(IInvocationOperation invocation) => BlockerOf(invocation, out _);

    /// <summary>As <see cref="BlockerOf(IInvocationOperation)"/>, with the table's awaitable method to call instead (<c>JoinAsync</c>), or null.</summary>
    public string? BlockerOf(IInvocationOperation invocation, out string? awaitable)
    {
        awaitable = null;
        var method = invocation.TargetMethod;
        if (method.Name.EndsWith("Async", StringComparison.Ordinal) || IsPoll(invocation))
        {
            return null;
        }

        var owner = (method.ReducedFrom ?? method).ContainingType;
        var row = _byMember.TryGetValue(method.Name, out var rows) ? rows.FirstOrDefault(r => CallTargets.IsOrDerivesFrom(owner, r.Type)) : default;
        awaitable = row.Awaitable;
        var blocks = row.Type is not null
            || (_locks.Acquires(invocation) is not null && !TriesOnce(invocation))
            || (_workers.RoleOf(invocation) == WorkerApi.Role.Join && !IsTask(owner));
        if (!blocks)
        {
            return null;
        }

        // Hold() is an extension of IAcquirable: name the primitive's type.
        var shown = method.IsExtensionMethod ? (invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value)?.Type ?? owner : owner;
        return $"{shown.Name}.{method.Name}";
    }

    // block: false, blocking: false, a zero timeout.
    private bool IsPoll(IInvocationOperation invocation) =>
        OperationHelpers.PassesZeroTimeout(invocation, _timeSpan)
        || invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue
            && a.Parameter?.Name is "block" or "blocking"
            && a.Value.ConstantValue is { HasValue: true, Value: false });

    // Monitor.TryEnter(x), spinLock.TryEnter(ref taken): try once, without a timeout.
    private static bool TriesOnce(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name.StartsWith("TryEnter", StringComparison.Ordinal)
        && !invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter?.Name is "timeout" or "millisecondsTimeout");

    private static bool IsTask(INamedTypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";
}
