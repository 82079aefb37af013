using System.Threading;
using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Queues;

/// <summary>
/// A thread-safe first-in, first-out queue, Python's <c>queue.Queue</c>: producers <see cref="Put"/>,
/// consumers <see cref="Get"/>, both blocking as needed. With a <see cref="MaxSize"/> it is bounded
/// and <see cref="Put"/> waits for room, which throttles fast producers.
/// </summary>
/// <remarks>
/// <para>Every <see cref="Put"/> counts an unfinished task; a consumer calls <see cref="TaskDone"/>
/// per item it finished, and <see cref="Join"/> waits until all are done (course topic 2.10).</para>
/// <para><see cref="Shutdown"/> (Python 3.13) ends the queue: puts fail with
/// <see cref="QueueShutDownException"/>, gets drain what is left and then fail the same way.</para>
/// <para>Named like <see cref="System.Collections.Generic.Queue{T}"/>: import this namespace inside
/// your namespace declaration, or alias it (<c>using Queues = Concurrency.Runtime.Queues;</c>), see docs/runtime.md.</para>
/// </remarks>
/// <typeparam name="T">The type of the items.</typeparam>
[DebuggerDisplay("{GetType().Name,nq}, qsize = {QSize}, maxsize = {MaxSize}")]
public class Queue<T>
{
    private readonly IQueueStore<T> _store;        // guarded by _mutex
    private readonly Lock _mutex;
    private readonly Condition _notEmpty;          // signalled when an item is added
    private readonly Condition _notFull;           // signalled when an item is removed
    private readonly Condition _allTasksDone;      // signalled when the unfinished count reaches 0
    private readonly AsyncWaiters _asyncGetters = new();
    private readonly AsyncWaiters _asyncPutters = new();
    private readonly bool _trackTasks;
    private int _unfinishedTasks;                  // guarded by _mutex
    private bool _isShutDown;                      // guarded by _mutex

    /// <summary>Creates a FIFO queue holding at most <paramref name="maxsize"/> items (0 = unbounded).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxsize"/> is negative.</exception>
    public Queue(int maxsize = 0)
        : this(maxsize, new FifoStore<T>(maxsize), SystemMonitor.Instance, trackTasks: true)
    {
    }

    /// <summary>A FIFO queue whose blocking goes through <paramref name="monitor"/> (systematic tests).</summary>
    internal Queue(int maxsize, ISyncMonitor monitor)
        : this(maxsize, new FifoStore<T>(maxsize), monitor, trackTasks: true)
    {
    }

    private protected Queue(int maxsize, IQueueStore<T> store, ISyncMonitor monitor, bool trackTasks)
    {
        if (maxsize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxsize), maxsize, "maxsize must be 0 (unbounded) or positive.");
        }

        MaxSize = maxsize;
        _store = store;
        _trackTasks = trackTasks;
        _mutex = new Lock($"{GetType().Name}.mutex", monitor, checkOrder: false);
        _notEmpty = new Condition(_mutex);
        _notFull = new Condition(_mutex);
        _allTasksDone = new Condition(_mutex);
    }

    /// <summary>The most items the queue holds; 0 means unbounded.</summary>
    public int MaxSize { get; }

    /// <summary>
    /// The approximate number of items: another thread may change it at once, so a later
    /// <see cref="Get"/> may still block (or a <see cref="Put"/> may still find it full).
    /// </summary>
    public int QSize => Locked(() => _store.Count);

    /// <summary>Whether the queue is empty now (approximate, like <see cref="QSize"/>).</summary>
    public bool Empty => QSize == 0;

    /// <summary>Whether the queue is full now (approximate, like <see cref="QSize"/>); never true when unbounded.</summary>
    public bool Full => MaxSize > 0 && QSize >= MaxSize;

    /// <summary>Whether <see cref="Shutdown"/> has been called.</summary>
    public bool IsShutDown => Locked(() => _isShutDown);

    /// <summary>
    /// Adds <paramref name="item"/>. If the queue is full: with <paramref name="block"/> true, waits for
    /// room until <paramref name="timeout"/> passes (null = no limit); with false, fails at once (the
    /// timeout is then ignored, as in Python).
    /// </summary>
    /// <exception cref="QueueFullException">No room came within the timeout, or the queue is full and <paramref name="block"/> is false.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down, or was shut down while waiting.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public void Put(T item, bool block = true, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        _mutex.Acquire();
        try
        {
            ThrowIfShutDown();
            while (MaxSize > 0 && _store.Count >= MaxSize)
            {
                if (!block || deadline.RemainingMilliseconds == 0)
                {
                    throw new QueueFullException();
                }

                _notFull.WaitLocked(deadline);
                ThrowIfShutDown();
            }

            AddLocked(item);
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>Adds <paramref name="item"/> only if there is room now: <c>Put(item, block: false)</c>.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public void PutNowait(T item) => Put(item, block: false);

    /// <summary>
    /// Removes and returns the next item. If the queue is empty: with <paramref name="block"/> true,
    /// waits for an item until <paramref name="timeout"/> passes (null = no limit); with false, fails at once.
    /// </summary>
    /// <exception cref="QueueEmptyException">No item came within the timeout, or the queue is empty and <paramref name="block"/> is false.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty (or was shut down immediately).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public T Get(bool block = true, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        _mutex.Acquire();
        try
        {
            while (_store.Count == 0)
            {
                ThrowIfShutDown();
                if (!block || deadline.RemainingMilliseconds == 0)
                {
                    throw new QueueEmptyException();
                }

                _notEmpty.WaitLocked(deadline);
            }

            return TakeLocked();
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>Removes and returns an item only if one is there now: <c>Get(block: false)</c>.</summary>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    public T GetNowait() => Get(block: false);

    /// <summary>
    /// Adds <paramref name="item"/>, waiting asynchronously (no thread blocked) while the queue is full.
    /// </summary>
    /// <exception cref="QueueShutDownException">The queue is or becomes shut down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the item was added.</exception>
    public async ValueTask PutAsync(T item, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TaskCompletionSource waiter;
            _mutex.Acquire();
            try
            {
                ThrowIfShutDown();
                if (MaxSize == 0 || _store.Count < MaxSize)
                {
                    AddLocked(item);
                    return;
                }

                waiter = _asyncPutters.Add();
            }
            finally
            {
                _mutex.Release();
            }

            await AwaitWakeAsync(waiter, _asyncPutters, cancellationToken, () => MaxSize == 0 || _store.Count < MaxSize, WakeOnePutter).ConfigureAwait(false);
        }
    }

    /// <summary>Removes and returns the next item, waiting asynchronously (no thread blocked) while the queue is empty.</summary>
    /// <exception cref="QueueShutDownException">The queue is or becomes shut down while empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before an item was taken.</exception>
    public async ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TaskCompletionSource waiter;
            _mutex.Acquire();
            try
            {
                if (_store.Count > 0)
                {
                    return TakeLocked();
                }

                ThrowIfShutDown();
                waiter = _asyncGetters.Add();
            }
            finally
            {
                _mutex.Release();
            }

            await AwaitWakeAsync(waiter, _asyncGetters, cancellationToken, () => _store.Count > 0, WakeOneGetter).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks one earlier-got item as finished; when every item put has been marked, threads blocked in
    /// <see cref="Join"/> wake up. Never blocks.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    public void TaskDone()
    {
        _mutex.Acquire();
        try
        {
            if (_unfinishedTasks <= 0)
            {
                throw new InvalidOperationException("TaskDone() called too many times: more often than items were put in the queue.");
            }

            if (--_unfinishedTasks == 0)
            {
                _allTasksDone.NotifyLocked(int.MaxValue);
            }
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>
    /// Blocks until every item put has been marked with <see cref="TaskDone"/>, or until
    /// <paramref name="timeout"/> passes (null = no limit; Python has no timeout here).
    /// </summary>
    /// <returns>True if all tasks are done, false if the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        _mutex.Acquire();
        try
        {
            while (_unfinishedTasks > 0)
            {
                if (deadline.RemainingMilliseconds == 0)
                {
                    return false;
                }

                _allTasksDone.WaitLocked(deadline);
            }

            return true;
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>
    /// Shuts the queue down (Python 3.13): every blocked and later <see cref="Put"/> fails with
    /// <see cref="QueueShutDownException"/>; <see cref="Get"/> returns the items left, then fails the
    /// same way. With <paramref name="immediate"/> true the items left are discarded (and counted as
    /// done for <see cref="Join"/>), so gets fail at once. Never blocks beyond the internal lock.
    /// </summary>
    public void Shutdown(bool immediate = false)
    {
        _mutex.Acquire();
        try
        {
            _isShutDown = true;
            if (immediate)
            {
                _unfinishedTasks = Math.Max(0, _unfinishedTasks - _store.Count);
                _store.Clear();
                _allTasksDone.NotifyLocked(int.MaxValue);
            }

            // Every blocked caller re-checks and sees the shutdown.
            _notEmpty.NotifyLocked(int.MaxValue);
            _notFull.NotifyLocked(int.MaxValue);
            _asyncGetters.WakeAll();
            _asyncPutters.WakeAll();
        }
        finally
        {
            _mutex.Release();
        }
    }

    private void AddLocked(T item)
    {
        _store.Add(item);
        if (_trackTasks)
        {
            _unfinishedTasks++;
        }

        WakeOneGetter();
    }

    private T TakeLocked()
    {
        var item = _store.Take();
        WakeOnePutter();
        return item;
    }

    private void WakeOneGetter()
    {
        _notEmpty.NotifyLocked(1);
        _asyncGetters.WakeOne();
    }

    private void WakeOnePutter()
    {
        _notFull.NotifyLocked(1);
        _asyncPutters.WakeOne();
    }

    private void ThrowIfShutDown()
    {
        if (_isShutDown)
        {
            throw new QueueShutDownException();
        }
    }

    private TResult Locked<TResult>(Func<TResult> read)
    {
        _mutex.Acquire();
        try
        {
            return read();
        }
        finally
        {
            _mutex.Release();
        }
    }

    // Waits for a wake-up; on cancellation, a wake-up that already arrived is passed on so that no
    // item (or free slot) is left with a waiter asleep.
    private async Task AwaitWakeAsync(TaskCompletionSource waiter, AsyncWaiters list, CancellationToken cancellationToken, Func<bool> stillReady, Action passOn)
    {
        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _mutex.Acquire();
            try
            {
                if (!list.Remove(waiter) && stillReady())
                {
                    passOn();
                }
            }
            finally
            {
                _mutex.Release();
            }

            throw;
        }
    }
}
