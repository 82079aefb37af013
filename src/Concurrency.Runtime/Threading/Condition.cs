using System.Threading;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A condition variable, Python's <c>threading.Condition</c>: threads holding its lock wait until
/// another thread changes shared state and notifies them. Always wait in a loop on the state (or use
/// <see cref="WaitFor"/>): a woken thread re-acquires the lock only after the notifier releases it,
/// by which time another thread may have changed the state again.
/// </summary>
/// <remarks>
/// Waiters are woken in the order they started waiting. A waiter whose timeout has passed never
/// swallows a notification: <see cref="Notify"/> skips it and wakes the next one.
/// </remarks>
public sealed class Condition : IAcquirable
{
    private readonly IOwnedLock _lock;
    private ConditionWaiter? _head; // FIFO of waiters, guarded by _lock
    private ConditionWaiter? _tail;

    /// <summary>Creates a condition over a new <see cref="RLock"/> of its own, as Python does.</summary>
    public Condition()
        : this(new RLock())
    {
    }

    /// <summary>Creates a condition over an existing <see cref="Lock"/>, shared with other conditions or code.</summary>
    public Condition(Lock @lock)
        : this((IOwnedLock)@lock)
    {
    }

    /// <summary>Creates a condition over an existing <see cref="RLock"/>; a wait releases every level the thread holds.</summary>
    public Condition(RLock @lock)
        : this((IOwnedLock)@lock)
    {
    }

    private Condition(IOwnedLock @lock)
    {
        _lock = @lock ?? throw new ArgumentNullException(nameof(@lock));
    }

    /// <summary>The lock this condition waits with.</summary>
    public IAcquirable Lock => _lock;

    /// <summary>Whether some thread is waiting; read it with the lock held.</summary>
    internal bool HasWaiters => _head is not null;

    /// <summary>Acquires the underlying lock; see <see cref="Threading.Lock.Acquire"/> for blocking and timeout.</summary>
    /// <returns>Whether the lock was acquired.</returns>
    public bool Acquire(bool blocking = true, TimeSpan? timeout = null) => _lock.Acquire(blocking, timeout);

    /// <summary>Releases the underlying lock. Never blocks.</summary>
    public void Release() => _lock.Release();

    /// <summary>
    /// Releases the lock, blocks until notified or until <paramref name="timeout"/> passes (null = no
    /// limit), then re-acquires the lock (waiting for it as long as needed) before returning. An
    /// <see cref="RLock"/> is released and restored at its full recursion level.
    /// </summary>
    /// <returns>True if notified, false if the timeout passed first.</returns>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public bool Wait(TimeSpan? timeout = null)
    {
        RequireOwned("wait on");
        return WaitLocked(Deadline.After(timeout));
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> is true, re-checking it (with the lock held) after each
    /// wake-up, for at most <paramref name="timeout"/> in total (null = no limit).
    /// </summary>
    /// <returns>The last value of the predicate: false means the timeout passed first.</returns>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    public bool WaitFor(Func<bool> predicate, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        RequireOwned("wait on");
        var deadline = Deadline.After(timeout);
        var result = predicate();
        while (!result)
        {
            if (!deadline.IsInfinite && deadline.RemainingMilliseconds == 0)
            {
                break;
            }

            WaitLocked(deadline);
            result = predicate();
        }

        return result;
    }

    /// <summary>Wakes up to <paramref name="n"/> waiting threads, longest-waiting first. Never blocks.</summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public void Notify(int n = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        RequireOwned("notify on");
        NotifyLocked(n);
    }

    /// <summary>Wakes every waiting thread. Never blocks.</summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    public void NotifyAll()
    {
        RequireOwned("notify on");
        NotifyLocked(int.MaxValue);
    }

    /// <summary>Wait for code that already holds the lock (the queues); the deadline spans re-waits.</summary>
    internal bool WaitLocked(Deadline deadline)
    {
        var waiter = new ConditionWaiter();
        Append(waiter);
        var saved = _lock.ReleaseSave();
        bool notified;
        try
        {
            notified = waiter.Await(_lock.Monitor, deadline);
        }
        finally
        {
            _lock.AcquireRestore(saved);
        }

        if (!notified)
        {
            Unlink(waiter);
        }

        return notified;
    }

    /// <summary>Notify for code that already holds the lock (the queues): no ownership check.</summary>
    internal void NotifyLocked(int n)
    {
        while (n > 0 && _head is { } waiter)
        {
            Unlink(waiter);
            if (waiter.TrySignal(_lock.Monitor))
            {
                n--;
            }
        }
    }

    private void RequireOwned(string action)
    {
        if (!_lock.IsHeldByCurrentThread)
        {
            throw new SynchronizationLockException($"Cannot {action} a Condition whose lock ({_lock}) the current thread does not hold; acquire it first (using (condition.Hold()) {{ ... }}).");
        }
    }

    private void Append(ConditionWaiter waiter)
    {
        waiter.Linked = true;
        waiter.Prev = _tail;
        if (_tail is null)
        {
            _head = waiter;
        }
        else
        {
            _tail.Next = waiter;
        }

        _tail = waiter;
    }

    private void Unlink(ConditionWaiter waiter)
    {
        if (!waiter.Linked)
        {
            return;
        }

        if (waiter.Prev is null)
        {
            _head = waiter.Next;
        }
        else
        {
            waiter.Prev.Next = waiter.Next;
        }

        if (waiter.Next is null)
        {
            _tail = waiter.Prev;
        }
        else
        {
            waiter.Next.Prev = waiter.Prev;
        }

        waiter.Prev = waiter.Next = null;
        waiter.Linked = false;
    }
}

/// <summary>
/// One thread waiting on a <see cref="Condition"/>. It decides, under its own monitor, whether it was
/// signalled or gave up, so a notification never lands on a waiter that has already timed out.
/// </summary>
internal sealed class ConditionWaiter
{
    private const int Waiting = 0;
    private const int Signalled = 1;
    private const int Abandoned = 2;

    private volatile int _state;

    // Links in the condition's FIFO; guarded by the condition's lock.
    internal ConditionWaiter? Next { get; set; }

    internal ConditionWaiter? Prev { get; set; }

    internal bool Linked { get; set; }

    internal bool Await(ISyncMonitor monitor, Deadline deadline)
    {
        // A short spin catches the common hand-off (a queue's consumer waiting for the next item)
        // without a trip through the kernel.
        var spinner = default(SpinWait);
        for (var i = 0; i < monitor.SpinCount; i++)
        {
            if (_state == Signalled)
            {
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        monitor.Enter(this);
        try
        {
            while (_state != Signalled)
            {
                var ms = deadline.RemainingMilliseconds;
                if (ms == 0)
                {
                    _state = Abandoned;
                    return false;
                }

                monitor.Wait(this, ms);
            }

            return true;
        }
        finally
        {
            monitor.Exit(this);
        }
    }

    internal bool TrySignal(ISyncMonitor monitor)
    {
        monitor.Enter(this);
        try
        {
            if (_state == Abandoned)
            {
                return false;
            }

            _state = Signalled;
            monitor.Pulse(this);
            return true;
        }
        finally
        {
            monitor.Exit(this);
        }
    }
}
