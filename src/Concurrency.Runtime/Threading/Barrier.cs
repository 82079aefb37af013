using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A barrier for a fixed number of threads, Python's <c>threading.Barrier</c>: each thread calling
/// <see cref="Wait"/> blocks until <see cref="Parties"/> threads have called it, then all go on
/// together. The barrier then resets itself for the next round.
/// </summary>
/// <remarks>
/// If a wait times out, the barrier action throws, or <see cref="Abort"/> is called, the barrier
/// is broken: every waiting and later caller gets a <see cref="BrokenBarrierException"/> until
/// <see cref="Reset"/>.
/// </remarks>
[DebuggerDisplay("Barrier {Waiting}/{Parties}, broken = {Broken}")]
public sealed class Barrier
{
    private const int Filling = 0;
    private const int Draining = 1;
    private const int Resetting = -1;
    private const int BrokenState = -2;

    private readonly Condition _cond = PrivateCondition.Create(nameof(Barrier));
    private readonly Action? _action;
    private readonly TimeSpan? _timeout;
    private int _state;  // guarded by _cond
    private int _count;  // threads inside Wait, guarded by _cond

    /// <summary>
    /// Creates a barrier for <paramref name="parties"/> threads. <paramref name="action"/>, if given,
    /// runs in one of the threads (the last to arrive) before any is released;
    /// <paramref name="timeout"/> is the default for <see cref="Wait"/> (null = no limit).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1, or the timeout is negative.</exception>
    public Barrier(int parties, Action? action = null, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Deadline.ValidateTimeout(timeout);
        Parties = parties;
        _action = action;
        _timeout = timeout;
    }

    /// <summary>The number of threads needed to pass the barrier.</summary>
    public int Parties { get; }

    /// <summary>The number of threads waiting in the current round (a snapshot).</summary>
    public int Waiting
    {
        get
        {
            using (_cond.Hold())
            {
                return _state == Filling ? _count : 0;
            }
        }
    }

    /// <summary>Whether the barrier is broken (a snapshot).</summary>
    public bool Broken
    {
        get
        {
            using (_cond.Hold())
            {
                return _state == BrokenState;
            }
        }
    }

    /// <summary>
    /// Waits until all <see cref="Parties"/> threads have called <see cref="Wait"/>, or until
    /// <paramref name="timeout"/> passes (null = the barrier's default timeout, itself possibly none).
    /// A timeout breaks the barrier for everyone.
    /// </summary>
    /// <returns>The arrival index, 0 to <see cref="Parties"/> - 1, distinct for each thread of a round.</returns>
    /// <exception cref="BrokenBarrierException">The barrier is or becomes broken, or this wait timed out.</exception>
    public int Wait(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout ?? _timeout);
        using (_cond.Hold())
        {
            Enter();
            var index = _count++;
            try
            {
                if (index + 1 == Parties)
                {
                    ReleaseRound();
                }
                else
                {
                    AwaitRound(deadline);
                }

                return index;
            }
            finally
            {
                _count--;
                Exit();
            }
        }
    }

    /// <summary>
    /// Returns the barrier to its initial state. Threads waiting in the current round get a
    /// <see cref="BrokenBarrierException"/>. Never blocks beyond a brief internal lock.
    /// </summary>
    public void Reset()
    {
        using (_cond.Hold())
        {
            if (_count == 0)
            {
                _state = Filling;
            }
            else if (_state is Filling or BrokenState)
            {
                // Threads are still inside: they leave broken, and the last one out reopens the barrier.
                _state = Resetting;
            }

            _cond.NotifyLocked(int.MaxValue);
        }
    }

    /// <summary>
    /// Breaks the barrier: waiting and later callers get a <see cref="BrokenBarrierException"/>
    /// until <see cref="Reset"/>. Use it to release threads when one of them cannot arrive.
    /// </summary>
    public void Abort()
    {
        using (_cond.Hold())
        {
            Break();
        }
    }

    // Blocks while a previous round drains or a reset completes.
    private void Enter()
    {
        _cond.WaitFor(() => _state is not (Resetting or Draining));
        if (_state < 0)
        {
            throw new BrokenBarrierException("The barrier is broken; call Reset to use it again.");
        }
    }

    private void ReleaseRound()
    {
        try
        {
            _action?.Invoke();
        }
        catch (Exception e)
        {
            Break();
            throw new BrokenBarrierException("The barrier action threw; the barrier is broken.", e);
        }

        _state = Draining;
        _cond.NotifyLocked(int.MaxValue);
    }

    private void AwaitRound(Deadline deadline)
    {
        if (!_cond.WaitFor(() => _state != Filling, deadline.Remaining))
        {
            Break();
            throw new BrokenBarrierException("Timed out waiting at the barrier; the barrier is now broken.");
        }

        if (_state < 0)
        {
            throw new BrokenBarrierException("The barrier was aborted or reset while this thread waited.");
        }
    }

    // The last thread out of a drained or reset round reopens the barrier.
    private void Exit()
    {
        if (_count == 0 && _state is (Resetting or Draining))
        {
            _state = Filling;
            _cond.NotifyLocked(int.MaxValue);
        }
    }

    private void Break()
    {
        _state = BrokenState;
        _cond.NotifyLocked(int.MaxValue);
    }
}
