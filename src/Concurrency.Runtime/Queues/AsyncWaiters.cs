namespace Concurrency.Runtime.Queues;

/// <summary>
/// Async callers waiting for a queue to change (items to get, or room to put). A wake-up only says
/// "look again": the woken caller re-checks the queue under its mutex. Guarded by the queue's mutex.
/// </summary>
internal sealed class AsyncWaiters
{
    private readonly LinkedList<TaskCompletionSource> _waiters = new();

    internal bool IsEmpty => _waiters.Count == 0;

    internal TaskCompletionSource Add()
    {
        // Continuations run on the thread pool, never inline inside the waker's locked section.
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.AddLast(waiter);
        return waiter;
    }

    /// <summary>Removes a waiter that gave up; false if it was already woken (and so owes a wake-up to another).</summary>
    internal bool Remove(TaskCompletionSource waiter) => _waiters.Remove(waiter);

    internal void WakeOne()
    {
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            first.Value.TrySetResult();
        }
    }

    internal void WakeAll()
    {
        while (_waiters.First is not null)
        {
            WakeOne();
        }
    }
}
