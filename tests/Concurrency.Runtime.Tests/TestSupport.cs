using System.Diagnostics;

namespace Concurrency.Runtime.Tests;

/// <summary>Tests that change process-wide state (the except hook, lock-order checking) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "global runtime state";
}

internal static class Timing
{
    /// <summary>How long <paramref name="action"/> took.</summary>
    public static TimeSpan Measure(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    /// <summary>
    /// Runs <paramref name="blockingCall"/> on another thread, checks it is still blocked after a
    /// moment, runs <paramref name="unblock"/> here, and checks the call then completes.
    /// </summary>
    public static void AssertBlocksUntil(Action blockingCall, Action unblock)
    {
        using var completed = new ManualResetEventSlim();
        Exception? failure = null;
        var worker = new System.Threading.Thread(() =>
        {
            failure = Record.Exception(blockingCall);
            completed.Set();
        });
        worker.Start();
        Assert.False(completed.Wait(50), "the call should still be blocked");
        unblock();
        Assert.True(completed.Wait(Patience), "the call should have been unblocked");
        worker.Join();
        Assert.Null(failure);
    }

    /// <summary>Generous bound for "this should have happened by now" waits; never a speed assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
}
