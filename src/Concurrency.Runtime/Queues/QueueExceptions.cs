namespace Concurrency.Runtime.Queues;

/// <summary>
/// A non-blocking get found the queue empty, or a blocking get's timeout passed while it stayed
/// empty. Python's <c>queue.Empty</c>.
/// </summary>
public sealed class QueueEmptyException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueEmptyException()
        : base("The queue is empty.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public QueueEmptyException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// A non-blocking put found the queue full, or a blocking put's timeout passed while it stayed
/// full. Python's <c>queue.Full</c>.
/// </summary>
public sealed class QueueFullException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueFullException()
        : base("The queue is full.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public QueueFullException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The queue was shut down (<see cref="Queue{T}.Shutdown"/>): puts are refused, and gets are refused
/// once the queue is empty (at once after an immediate shutdown). Python 3.13's <c>queue.ShutDown</c>.
/// </summary>
public sealed class QueueShutDownException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueShutDownException()
        : base("The queue has been shut down.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public QueueShutDownException(string message)
        : base(message)
    {
    }
}
