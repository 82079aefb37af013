using System.Collections.Concurrent;

namespace Chapter05.AsyncBlocking;

/// <summary>
/// A synchronization context with one thread, like a UI thread or a coroutine loop: continuations
/// posted to it run only on that thread, one after another.
/// </summary>
public sealed class SingleThreadContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

    public static new SingleThreadContext? Current => SynchronizationContext.Current as SingleThreadContext;

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public void Complete() => _queue.CompleteAdding();

    /// <summary>
    /// Runs <paramref name="entry"/> on a new thread that owns the context, then its posted
    /// continuations; true if all that ended within <paramref name="timeout"/>, false if it hung.
    /// </summary>
    public static bool RunWithTimeout(Action entry, TimeSpan timeout)
    {
        var context = new SingleThreadContext();
        var thread = new Thread(() =>
        {
            SetSynchronizationContext(context);
            entry();
            if (entry.Method.GetCustomAttributes(typeof(System.Runtime.CompilerServices.AsyncStateMachineAttribute), false).Length == 0)
            {
                context.Complete();
            }

            foreach (var (callback, state) in context._queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        })
        { IsBackground = true }; // a deadlocked demo thread must not keep the process alive
        thread.Start();
        return thread.Join(timeout);
    }
}
