using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// An event flag, Python's <c>threading.Event</c>: threads <see cref="Wait"/> until another thread
/// calls <see cref="Set"/>; the flag stays set (every later wait returns at once) until <see cref="Clear"/>.
/// </summary>
[DebuggerDisplay("Event, set = {IsSet}")]
public sealed class Event
{
    private readonly Condition _cond = PrivateCondition.Create(nameof(Event));
    private volatile bool _flag; // written under _cond; read without it for the fast paths

    /// <summary>Whether the flag is set now (a snapshot).</summary>
    public bool IsSet => _flag;

    /// <summary>Sets the flag and wakes every waiting thread. Never blocks (beyond a brief internal lock).</summary>
    public void Set()
    {
        using (_cond.Hold())
        {
            _flag = true;
            _cond.NotifyLocked(int.MaxValue);
        }
    }

    /// <summary>Resets the flag, so later <see cref="Wait"/> calls block until the next <see cref="Set"/>.</summary>
    public void Clear()
    {
        using (_cond.Hold())
        {
            _flag = false;
        }
    }

    /// <summary>
    /// Blocks until the flag is set or <paramref name="timeout"/> passes (null = no limit). Returns at
    /// once if the flag is already set.
    /// </summary>
    /// <returns>True if the flag was set (or was being set when the wait ended), false on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public bool Wait(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (_flag)
        {
            return true;
        }

        using (_cond.Hold())
        {
            return _flag || _cond.WaitLocked(deadline);
        }
    }
}
