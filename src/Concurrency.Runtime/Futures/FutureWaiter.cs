using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// What <see cref="Futures.Wait(IEnumerable{Future}, TimeSpan?, ReturnWhen)"/> and
/// <see cref="Futures.AsCompleted(IEnumerable{Future}, TimeSpan?)"/> register on every future they
/// watch (CPython's <c>_Waiter</c> family). A future calls it with its own lock held, so the waiter's
/// lock is always taken after a future's, never the other way round.
/// </summary>
internal sealed class FutureWaiter
{
    private readonly Lock _lock;
    private readonly Condition _signal;
    private readonly Kind _kind;
    private List<Future> _finished = new(); // guarded by _lock
    private int _pending;                   // AllCompleted / FirstException: futures not done yet; guarded by _lock
    private bool _set;                      // the "event" of CPython's waiter; guarded by _lock

    private FutureWaiter(Kind kind, int pending, ISyncMonitor monitor)
    {
        _kind = kind;
        _pending = pending;
        _lock = new Lock("FutureWaiter.lock", monitor, checkOrder: false);
        _signal = new Condition(_lock);
    }

    internal enum Kind
    {
        AsCompleted,
        FirstCompleted,
        AllCompleted,
        FirstException,
    }

    internal static FutureWaiter Create(ReturnWhen returnWhen, int pending, ISyncMonitor monitor) => returnWhen switch
    {
        ReturnWhen.FirstCompleted => new FutureWaiter(Kind.FirstCompleted, pending, monitor),
        ReturnWhen.FirstException => new FutureWaiter(Kind.FirstException, pending, monitor),
        _ => new FutureWaiter(Kind.AllCompleted, pending, monitor),
    };

    internal static FutureWaiter ForAsCompleted(ISyncMonitor monitor) => new(Kind.AsCompleted, 0, monitor);

    internal void AddResult(Future future) => Add(future, failed: false);

    internal void AddException(Future future) => Add(future, failed: true);

    internal void AddCancelled(Future future) => Add(future, failed: false);

    /// <summary>Waits until signalled or the deadline passes.</summary>
    /// <returns>Whether it was signalled.</returns>
    internal bool Wait(Deadline deadline)
    {
        _lock.Acquire();
        try
        {
            while (!_set)
            {
                if (!deadline.IsInfinite && deadline.RemainingMilliseconds == 0)
                {
                    return false;
                }

                _signal.WaitLocked(deadline);
            }

            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Takes the futures finished so far (in finishing order) and clears the signal.</summary>
    internal List<Future> TakeFinished()
    {
        _lock.Acquire();
        try
        {
            var finished = _finished;
            _finished = new List<Future>();
            _set = false;
            return finished;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Add(Future future, bool failed)
    {
        _lock.Acquire();
        try
        {
            _finished.Add(future);
            var set = _kind switch
            {
                Kind.AsCompleted or Kind.FirstCompleted => true,
                Kind.FirstException when failed => true,
                _ => --_pending == 0,
            };
            if (set && !_set)
            {
                _set = true;
                _signal.NotifyLocked(int.MaxValue);
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
