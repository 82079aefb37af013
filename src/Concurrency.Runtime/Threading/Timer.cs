using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A thread that calls a function after a delay unless cancelled first, Python's
/// <c>threading.Timer</c>. Call <see cref="Thread.Start"/> to begin the countdown and
/// <see cref="Cancel"/> to stop it while it is still waiting.
/// </summary>
public sealed class Timer : Thread
{
    private readonly TimeSpan _interval;
    private readonly Action _function;
    private readonly Event _finished = new();

    /// <summary>Creates a timer that will call <paramref name="function"/> <paramref name="interval"/> after it is started.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative.</exception>
    public Timer(TimeSpan interval, Action function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _interval = interval;
        _function = function;
    }

    /// <summary>Creates a timer that will call <paramref name="function"/> with <paramref name="args"/> after <paramref name="interval"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative.</exception>
    public Timer(TimeSpan interval, Delegate function, object?[] args)
        : this(interval, Bind(function, args))
    {
    }

    /// <summary>Whether the timer has fired or been cancelled.</summary>
    public bool Finished => _finished.IsSet;

    /// <summary>Stops the timer if it is still waiting; does nothing once the function has started. Never blocks.</summary>
    public void Cancel() => _finished.Set();

    /// <summary>Waits for the interval, then calls the function unless <see cref="Cancel"/> came first.</summary>
    protected override void Run()
    {
        _finished.Wait(_interval);
        if (!_finished.IsSet)
        {
            _function();
        }

        _finished.Set();
    }

    private static Action Bind(Delegate function, object?[] args)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(args);
        return () => DelegateCall.Invoke(function, args);
    }
}
