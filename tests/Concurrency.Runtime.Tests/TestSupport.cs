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

    /// <summary>Generous bound for "this should have happened by now" waits; never a speed assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
}
