using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Queues;

/// <summary>
/// A thread-safe last-in, first-out queue (a stack), Python's <c>queue.LifoQueue</c>. Blocking,
/// timeouts, task tracking and shutdown are those of <see cref="Queue{T}"/>.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
public class LifoQueue<T> : Queue<T>
{
    /// <summary>Creates a LIFO queue holding at most <paramref name="maxsize"/> items (0 = unbounded).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxsize"/> is negative.</exception>
    public LifoQueue(int maxsize = 0)
        : base(maxsize, new LifoStore<T>(), SystemMonitor.Instance, trackTasks: true)
    {
    }
}
