using System.Threading;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A reentrant lock, Python's <c>threading.RLock</c>: the thread that holds it may acquire it again,
/// and must release it as many times as it acquired it before another thread can take it. Only the
/// owning thread may release it.
/// </summary>
[DebuggerDisplay("RLock {Name}, count = {Count}")]
public sealed class RLock : IOwnedLock
{
    private static int s_counter;

    private readonly Lock _block;
    private readonly LockOrderNode? _order;
    private int _owner; // managed id of the owner, 0 when free; written only by the owner
    private int _count; // recursion depth; touched only by the owner

    /// <summary>Creates a free reentrant lock. The name appears in error messages; by default "RLock-N".</summary>
    /// <param name="name">A name for diagnostics.</param>
    public RLock(string? name = null)
        : this(name, SystemMonitor.Instance)
    {
    }

    internal RLock(string? name, ISyncMonitor monitor)
    {
        Name = string.IsNullOrWhiteSpace(name) ? $"RLock-{Interlocked.Increment(ref s_counter)}" : name;

        // The inner lock is never re-acquired by its holder and takes part in no order graph:
        // the RLock itself is the node other locks are ordered against.
        _block = new Lock(Name, monitor, checkOrder: false);
        _order = LockOrderChecking.NodeForNewLock(Name);
    }

    /// <summary>The lock's name, used in error messages.</summary>
    public string Name { get; }

    /// <summary>How many times the calling thread holds the lock (0 if it does not own it).</summary>
    public int Count => IsHeldByCurrentThread ? _count : 0;

    /// <summary>Whether the calling thread owns the lock.</summary>
    internal bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

    bool IOwnedLock.IsHeldByCurrentThread => IsHeldByCurrentThread;

    ISyncMonitor IOwnedLock.Monitor => _block.Monitor;

    /// <summary>
    /// Acquires the lock, or adds one level if the calling thread already owns it (never blocks then).
    /// Otherwise, with <paramref name="blocking"/> true, waits until it is free or
    /// <paramref name="timeout"/> has passed (null = no limit); with false, returns at once.
    /// </summary>
    /// <returns>True if the calling thread now owns the lock.</returns>
    /// <exception cref="ArgumentException">A timeout was given with <paramref name="blocking"/> false, or it is negative.</exception>
    /// <exception cref="PotentialDeadlockException">Lock-order checking is on and this acquisition inverts a recorded order.</exception>
    public bool Acquire(bool blocking = true, TimeSpan? timeout = null)
    {
        AcquireArguments.Validate(blocking, timeout);
        var me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _owner) == me)
        {
            _count++;
            return true;
        }

        if (_order is not null)
        {
            LockOrderChecking.BeforeAcquire(_order);
        }

        if (!_block.Acquire(blocking, timeout))
        {
            return false;
        }

        Volatile.Write(ref _owner, me);
        _count = 1;
        if (_order is not null)
        {
            LockOrderChecking.AfterAcquire(_order);
        }

        return true;
    }

    /// <summary>
    /// Removes one level of ownership; the lock becomes free when the count reaches zero. Never blocks.
    /// </summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not own the lock.</exception>
    public void Release()
    {
        if (!IsHeldByCurrentThread)
        {
            throw new SynchronizationLockException($"Cannot release RLock '{Name}': the current thread does not own it (only the owner may release an RLock).");
        }

        if (--_count == 0)
        {
            ReleaseFully();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"RLock '{Name}'";

    // Condition.Wait gives the lock up completely, whatever the count, and restores the count after.
    int IOwnedLock.ReleaseSave()
    {
        if (!IsHeldByCurrentThread)
        {
            throw new SynchronizationLockException($"Cannot release RLock '{Name}': the current thread does not own it.");
        }

        var count = _count;
        _count = 0;
        ReleaseFully();
        return count;
    }

    void IOwnedLock.AcquireRestore(int saved)
    {
        Acquire();
        _count = saved;
    }

    private void ReleaseFully()
    {
        Volatile.Write(ref _owner, 0);
        if (_order is not null)
        {
            LockOrderChecking.AfterRelease(_order);
        }

        _block.Release();
    }
}
