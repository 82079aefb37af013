using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A counting semaphore, Python's <c>threading.Semaphore</c>: <see cref="Acquire"/> takes one unit,
/// waiting while the count is zero; <see cref="Release(int)"/> gives units back and wakes waiters.
/// Use it to bound how many threads do something at once.
/// </summary>
[DebuggerDisplay("Semaphore, value = {Value}")]
public class Semaphore : IAcquirable
{
    private readonly Condition _cond;
    private int _value; // guarded by _cond

    /// <summary>Creates a semaphore with <paramref name="value"/> units available (Python's default is 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public Semaphore(int value = 1)
        : this(value, SystemMonitor.Instance)
    {
    }

    /// <summary>A semaphore whose blocking goes through <paramref name="monitor"/> (systematic tests).</summary>
    internal Semaphore(int value, ISyncMonitor monitor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _value = value;
        _cond = PrivateCondition.Create(nameof(Semaphore), monitor);
    }

    /// <summary>The units available now (a snapshot).</summary>
    public int Value => System.Threading.Volatile.Read(ref _value);

    /// <summary>
    /// Takes one unit. If none is available: with <paramref name="blocking"/> true, waits until one is
    /// released or <paramref name="timeout"/> passes (null = no limit); with false, returns at once.
    /// Waiters are served in arrival order when units are released one at a time.
    /// </summary>
    /// <returns>True if a unit was taken.</returns>
    /// <exception cref="ArgumentException">A timeout was given with <paramref name="blocking"/> false, or it is negative.</exception>
    public bool Acquire(bool blocking = true, TimeSpan? timeout = null)
    {
        AcquireArguments.Validate(blocking, timeout);
        _cond.Acquire();
        try
        {
            if (_value == 0 && !(blocking && _cond.WaitFor(() => _value > 0, timeout)))
            {
                return false;
            }

            _value--;
            return true;
        }
        finally
        {
            _cond.Release();
        }
    }

    /// <summary>Gives one unit back, waking one waiter if any. Never blocks.</summary>
    public void Release() => Release(1);

    /// <summary>Gives <paramref name="n"/> units back, waking up to <paramref name="n"/> waiters. Never blocks.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    /// <exception cref="System.Threading.SemaphoreFullException">A <see cref="BoundedSemaphore"/> would exceed its initial value.</exception>
    public void Release(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _cond.Acquire();
        try
        {
            CheckRelease(_value, n);
            _value += n;
            _cond.NotifyLocked(n);
        }
        finally
        {
            _cond.Release();
        }
    }

    /// <summary>Lets a subclass refuse a release before it happens; called with the internal lock held.</summary>
    private protected virtual void CheckRelease(int value, int n)
    {
    }
}

/// <summary>
/// A semaphore that refuses to be released above its initial value, Python's
/// <c>threading.BoundedSemaphore</c>: an extra release is almost always a bug (a release without a
/// matching acquire), and this reports it instead of silently raising the limit.
/// </summary>
public sealed class BoundedSemaphore : Semaphore
{
    /// <summary>Creates a bounded semaphore with <paramref name="value"/> units, also its upper bound.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public BoundedSemaphore(int value = 1)
        : base(value)
    {
        InitialValue = value;
    }

    /// <summary>The initial value, which the count may never exceed.</summary>
    public int InitialValue { get; }

    private protected override void CheckRelease(int value, int n)
    {
        if (value + n > InitialValue)
        {
            throw new System.Threading.SemaphoreFullException($"BoundedSemaphore released too many times: releasing {n} would raise the value to {value + n}, above its initial value {InitialValue}.");
        }
    }
}
