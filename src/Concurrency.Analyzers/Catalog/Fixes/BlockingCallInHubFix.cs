using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>
/// The fixes of CONC405 that are its own: a sleep on the hub thread becomes the hub's cooperative
/// sleep. A CONC405 diagnostic on a wait on a task carries <see cref="BlockingTaskWaitFix"/> instead
/// (CONC401's fixer rewrites it to <c>await</c>), and one on a call with an async counterpart
/// (<c>q.Get()</c>, <c>g.Join()</c>, synchronous IO, a method of ours whose counterpart exists)
/// carries <see cref="SyncCallWithAsyncCounterpartFix"/> (CONC403's fixer). Their kind names differ,
/// so each fixer reads only its own.
/// </summary>
internal enum BlockingCallInHubFixKind
{
    /// <summary>No rewrite compiles: not a statement, <c>await</c> not allowed there, a synchronous function that cannot be made async.</summary>
    None,

    /// <summary><c>Thread.Sleep(x)</c> becomes <c>await Hub.Sleep(TimeSpan.FromMilliseconds(x))</c> (a <c>TimeSpan</c> passed as is).</summary>
    HubSleep,

    /// <summary>As <see cref="HubSleep"/>, in a synchronous coroutine lambda that ends in <c>return Task.CompletedTask;</c>: the lambda is made <c>async</c> and that return dropped.</summary>
    HubSleepMakingLambdaAsync,
}

/// <summary>What CONC405's analyzer tells its fixer about a sleep: the kind, and whether the argument is a <c>TimeSpan</c> (else milliseconds).</summary>
internal readonly struct BlockingCallInHubFix
{
    private const string TimeSpanKey = "TimeSpan";

    public BlockingCallInHubFix(BlockingCallInHubFixKind kind, bool passesTimeSpan)
    {
        Kind = kind;
        PassesTimeSpan = passesTimeSpan;
    }

    public BlockingCallInHubFixKind Kind { get; }

    /// <summary>Whether <c>Thread.Sleep</c> is given a <c>TimeSpan</c>, passed to <c>Hub.Sleep</c> as is; else its milliseconds are wrapped in <c>TimeSpan.FromMilliseconds</c>.</summary>
    public bool PassesTimeSpan { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        if (PassesTimeSpan)
        {
            properties.Add(TimeSpanKey, "true");
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out BlockingCallInHubFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out BlockingCallInHubFixKind kind);
        diagnostic.Properties.TryGetValue(TimeSpanKey, out var timeSpan);
        fix = read ? new BlockingCallInHubFix(kind, timeSpan == "true") : default;
        return read;
    }
}
