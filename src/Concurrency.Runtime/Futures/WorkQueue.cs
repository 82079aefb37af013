using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// A thread pool's work queue: CPython's <c>queue.SimpleQueue</c> (an unbounded FIFO whose
/// <see cref="Get"/> blocks while empty), built from the same parts as the runtime's queues — a
/// <see cref="Lock"/> and one <see cref="ConditionWaiter"/> per blocked getter, every wait through
/// <see cref="ISyncMonitor"/> — with one difference: a put wakes the getter that went idle LAST.
/// That worker is most likely still spinning, so handing it the item costs no kernel wake-up;
/// <see cref="Queues.SimpleQueue{T}"/> wakes the longest-waiting one (fair, but with several idle
/// workers every put then wakes a sleeping thread).
/// </summary>
internal sealed class WorkQueue<T>
{
    private readonly Lock _mutex;
    private readonly ISyncMonitor _monitor;
    private readonly System.Collections.Generic.Queue<T> _items = new(); // guarded by _mutex
    private readonly Stack<ConditionWaiter> _idle = new();              // blocked getters, most recent on top; guarded by _mutex

    internal WorkQueue(ISyncMonitor monitor)
    {
        _monitor = monitor;
        _mutex = new Lock("ThreadPoolExecutor.workQueue", monitor, checkOrder: false);
    }

    /// <summary>Adds an item and wakes one blocked getter, if any. Never blocks beyond the internal lock.</summary>
    internal void Put(T item)
    {
        _mutex.Acquire();
        try
        {
            _items.Enqueue(item);
            while (_idle.TryPop(out var waiter))
            {
                if (waiter.TrySignal(_monitor))
                {
                    break;
                }
            }
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>Removes the next item if there is one now.</summary>
    internal bool TryGet([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        _mutex.Acquire();
        try
        {
            return _items.TryDequeue(out item);
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>Removes the next item, blocking (without a time limit) while the queue is empty.</summary>
    internal T Get()
    {
        _mutex.Acquire();
        try
        {
            while (true)
            {
                if (_items.TryDequeue(out var item))
                {
                    return item;
                }

                // A signalled getter re-checks: a running worker's TryGet may have taken the item
                // first, and then it simply waits again (the item was not lost, it was run).
                var waiter = new ConditionWaiter();
                _idle.Push(waiter);
                _mutex.Release();
                try
                {
                    waiter.Await(_monitor, Deadline.Never);
                }
                finally
                {
                    _mutex.Acquire();
                }
            }
        }
        finally
        {
            _mutex.Release();
        }
    }
}
