namespace Concurrency.Runtime.Queues;

/// <summary>
/// The ordering of a queue, Python's <c>_init/_qsize/_put/_get</c> hooks: the blocking logic in
/// <see cref="Queue{T}"/> is the same for all three queues, only the store differs. Every call is
/// made with the queue's mutex held.
/// </summary>
internal interface IQueueStore<T>
{
    int Count { get; }

    void Add(T item);

    T Take();

    void Clear();
}

/// <summary>First in, first out.</summary>
internal sealed class FifoStore<T> : IQueueStore<T>
{
    private readonly System.Collections.Generic.Queue<T> _items;

    internal FifoStore(int maxsize)
    {
        // A bounded queue never grows past maxsize; pre-size moderate bounds to avoid regrowth.
        _items = new System.Collections.Generic.Queue<T>(maxsize is > 0 and <= 4096 ? maxsize : 16);
    }

    public int Count => _items.Count;

    public void Add(T item) => _items.Enqueue(item);

    public T Take() => _items.Dequeue();

    public void Clear() => _items.Clear();
}

/// <summary>Last in, first out.</summary>
internal sealed class LifoStore<T> : IQueueStore<T>
{
    private readonly Stack<T> _items = new();

    public int Count => _items.Count;

    public void Add(T item) => _items.Push(item);

    public T Take() => _items.Pop();

    public void Clear() => _items.Clear();
}

/// <summary>
/// Lowest first by the comparer; items that compare equal come out in insertion order (a sequence
/// number breaks ties), which Python's heap-based PriorityQueue does not promise.
/// </summary>
internal sealed class PriorityStore<T> : IQueueStore<T>
{
    private readonly System.Collections.Generic.PriorityQueue<T, (T Item, long Sequence)> _items;
    private long _sequence;

    internal PriorityStore(IComparer<T> comparer)
    {
        _items = new System.Collections.Generic.PriorityQueue<T, (T Item, long Sequence)>(new StableComparer(comparer));
    }

    public int Count => _items.Count;

    public void Add(T item) => _items.Enqueue(item, (item, _sequence++));

    public T Take() => _items.Dequeue();

    public void Clear() => _items.Clear();

    private sealed class StableComparer : IComparer<(T Item, long Sequence)>
    {
        private readonly IComparer<T> _items;

        internal StableComparer(IComparer<T> items)
        {
            _items = items;
        }

        public int Compare((T Item, long Sequence) x, (T Item, long Sequence) y)
        {
            var byItem = _items.Compare(x.Item, y.Item);
            return byItem != 0 ? byItem : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
