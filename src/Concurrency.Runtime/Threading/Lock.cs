using System.Threading;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A primitive (non-reentrant) lock, Python's <c>threading.Lock</c>: held or free, and any thread
/// may release it. Unlike Python, a thread that tries to acquire a lock it already holds gets a
/// <see cref="SelfDeadlockException"/> instead of hanging forever; use <see cref="RLock"/> for that.
/// </summary>
/// <remarks>
/// Acquisition is a single compare-and-swap when the lock is free; a contended acquire spins
/// briefly, then blocks. Waiters are not served in FIFO order (a releasing thread may re-acquire
/// first), as in CPython.
/// </remarks>
[DebuggerDisplay("Lock {Name}, locked = {Locked}")]
public sealed class Lock : IOwnedLock
{
    private static int s_counter;

    private readonly ISyncMonitor _monitor;
    private readonly object _sleepers = new();
    private readonly LockOrderNode? _order;
    private int _state;   // 0 free, 1 held
    private int _owner;   // managed id of the acquiring thread while held, else 0
    private int _waiters; // threads blocked (or about to block) on _sleepers

    /// <summary>Creates a free lock. The name appears in error messages; by default "Lock-N".</summary>
    /// <param name="name">A name for diagnostics, e.g. the field it is stored in.</param>
    public Lock(string? name = null)
        : this(name, SystemMonitor.Instance, checkOrder: true)
    {
    }

    internal Lock(string? name, ISyncMonitor monitor, bool checkOrder)
    {
        Name = string.IsNullOrWhiteSpace(name) ? $"Lock-{Interlocked.Increment(ref s_counter)}" : name;
        _monitor = monitor;
        _order = checkOrder ? LockOrderChecking.NodeForNewLock(Name) : null;
    }

    /// <summary>The lock's name, used in error messages.</summary>
    public string Name { get; }

    /// <summary>Whether some thread holds the lock now (a snapshot: it may change at once).</summary>
    public bool Locked => Volatile.Read(ref _state) != 0;

    /// <summary>Whether the calling thread is the one that acquired the lock.</summary>
    internal bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

    internal ISyncMonitor Monitor => _monitor;

    bool IOwnedLock.IsHeldByCurrentThread => IsHeldByCurrentThread;

    ISyncMonitor IOwnedLock.Monitor => _monitor;

    /// <summary>
    /// Acquires the lock. With <paramref name="blocking"/> true (the default), waits until the lock is
    /// free or <paramref name="timeout"/> has passed (null = no limit); with false, returns at once.
    /// </summary>
    /// <returns>True if the lock was acquired, false if it was busy (non-blocking) or the timeout passed.</returns>
    /// <exception cref="ArgumentException">A timeout was given with <paramref name="blocking"/> false, or it is negative.</exception>
    /// <exception cref="SelfDeadlockException">A blocking acquire by the thread that already holds the lock.</exception>
    /// <exception cref="PotentialDeadlockException">Lock-order checking is on and this acquisition inverts a recorded order.</exception>
    public bool Acquire(bool blocking = true, TimeSpan? timeout = null)
    {
        AcquireArguments.Validate(blocking, timeout);
        _monitor.Interleave();
        if (_order is not null)
        {
            LockOrderChecking.BeforeAcquire(_order);
        }

        var me = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0 && !AcquireSlow(me, blocking, timeout))
        {
            return false;
        }

        _owner = me;
        if (_order is not null)
        {
            LockOrderChecking.AfterAcquire(_order);
        }

        return true;
    }

    /// <summary>
    /// Releases the lock so one waiting thread can take it. Any thread may release it, as in Python.
    /// Never blocks.
    /// </summary>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    public void Release()
    {
        _monitor.Interleave();
        if (Volatile.Read(ref _state) == 0)
        {
            throw new SynchronizationLockException($"Cannot release Lock '{Name}': it is not held.");
        }

        _owner = 0;
        if (Interlocked.CompareExchange(ref _state, 0, 1) != 1)
        {
            throw new SynchronizationLockException($"Cannot release Lock '{Name}': it is not held.");
        }

        if (_order is not null)
        {
            LockOrderChecking.AfterRelease(_order);
        }

        // The exchange above is a full fence, so a waiter that registered before it is seen here,
        // and a waiter that registers after it sees the lock free on its own retry.
        if (Volatile.Read(ref _waiters) != 0)
        {
            _monitor.Enter(_sleepers);
            _monitor.Pulse(_sleepers);
            _monitor.Exit(_sleepers);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Lock '{Name}'";

    int IOwnedLock.ReleaseSave()
    {
        Release();
        return 0;
    }

    void IOwnedLock.AcquireRestore(int saved) => Acquire();

    private bool AcquireSlow(int me, bool blocking, TimeSpan? timeout)
    {
        if (!blocking)
        {
            return false;
        }

        if (Volatile.Read(ref _owner) == me)
        {
            throw new SelfDeadlockException(Name);
        }

        var deadline = Deadline.After(timeout);
        var spinner = default(SpinWait);
        for (var i = 0; i < _monitor.SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
            {
                return true;
            }
        }

        _monitor.Enter(_sleepers);
        try
        {
            Interlocked.Increment(ref _waiters);
            try
            {
                while (true)
                {
                    if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
                    {
                        return true;
                    }

                    var ms = deadline.RemainingMilliseconds;
                    if (ms == 0)
                    {
                        return false;
                    }

                    _monitor.Wait(_sleepers, ms);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }
        finally
        {
            _monitor.Exit(_sleepers);
        }
    }
}
