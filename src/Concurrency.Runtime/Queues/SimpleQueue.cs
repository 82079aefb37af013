using System.Threading;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Queues;

/// <summary>
/// An unbounded FIFO queue without task tracking or shutdown, Python's <c>queue.SimpleQueue</c>:
/// <see cref="Put"/> never blocks; <see cref="Get"/> blocks while it is empty.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
[DebuggerDisplay("SimpleQueue, qsize = {QSize}")]
public sealed class SimpleQueue<T>
{
    private readonly Queue<T> _inner;

    /// <summary>Creates an empty queue.</summary>
    public SimpleQueue()
        : this(SystemMonitor.Instance)
    {
    }

    /// <summary>A queue whose blocking goes through <paramref name="monitor"/> (systematic tests).</summary>
    internal SimpleQueue(ISyncMonitor monitor)
    {
        _inner = new SimpleInner(monitor);
    }

    /// <summary>The approximate number of items (another thread may change it at once).</summary>
    public int QSize => _inner.QSize;

    /// <summary>Whether the queue is empty now (approximate).</summary>
    public bool Empty => _inner.Empty;

    /// <summary>Adds <paramref name="item"/>. Never blocks: the queue is unbounded.</summary>
    public void Put(T item) => _inner.Put(item);

    /// <summary>Adds <paramref name="item"/>; the same as <see cref="Put"/>, kept for Python's API.</summary>
    public void PutNowait(T item) => _inner.Put(item);

    /// <summary>
    /// Removes and returns the next item. If the queue is empty: with <paramref name="block"/> true,
    /// waits until <paramref name="timeout"/> passes (null = no limit); with false, fails at once.
    /// </summary>
    /// <exception cref="QueueEmptyException">No item came within the timeout, or none was there and <paramref name="block"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public T Get(bool block = true, TimeSpan? timeout = null) => _inner.Get(block, timeout);

    /// <summary>Removes and returns an item only if one is there now.</summary>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    public T GetNowait() => _inner.GetNowait();

    /// <summary>Removes and returns the next item, waiting asynchronously while the queue is empty.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default) => _inner.GetAsync(cancellationToken);

    // A FIFO that does not count unfinished tasks: nobody calls TaskDone on a SimpleQueue.
    private sealed class SimpleInner : Queue<T>
    {
        internal SimpleInner(ISyncMonitor monitor)
            : base(0, new FifoStore<T>(0), monitor, trackTasks: false)
        {
        }
    }
}
