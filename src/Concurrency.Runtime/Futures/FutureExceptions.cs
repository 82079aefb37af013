namespace Concurrency.Runtime.Futures;

/// <summary>When <see cref="Futures.Wait(IEnumerable{Future}, TimeSpan?, ReturnWhen)"/> returns (Python's <c>FIRST_COMPLETED</c>, <c>FIRST_EXCEPTION</c>, <c>ALL_COMPLETED</c>).</summary>
public enum ReturnWhen
{
    /// <summary>As soon as any future finishes or is cancelled.</summary>
    FirstCompleted,

    /// <summary>As soon as any future finishes with an exception; if none does, when all are done.</summary>
    FirstException,

    /// <summary>When every future has finished or been cancelled.</summary>
    AllCompleted,
}

/// <summary>
/// Thrown by <see cref="Future.Result"/> and <see cref="Future.GetException"/> of a cancelled future
/// (Python's <c>concurrent.futures.CancelledError</c>).
/// </summary>
public class FutureCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception with the default message.</summary>
    public FutureCancelledException()
        : base("The future was cancelled before it ran.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public FutureCancelledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public FutureCancelledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// An executor can no longer run work (Python's <c>concurrent.futures.BrokenExecutor</c>): its
/// pending futures fail with it and later submits throw it.
/// </summary>
public class BrokenExecutorException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public BrokenExecutorException()
        : base("The executor is broken and cannot run work any more.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenExecutorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public BrokenExecutorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A <see cref="ThreadPoolExecutor"/> is broken: a worker's initializer failed (Python's
/// <c>concurrent.futures.thread.BrokenThreadPool</c>). The initializer's exception is the inner exception.
/// </summary>
public class BrokenThreadPoolException : BrokenExecutorException
{
    /// <summary>Creates the exception with the default message.</summary>
    public BrokenThreadPoolException()
        : base("A thread initializer failed, the thread pool is not usable anymore.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenThreadPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public BrokenThreadPoolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A process pool is broken: a worker process died or its initializer failed (Python's
/// <c>concurrent.futures.process.BrokenProcessPool</c>).
/// </summary>
public class BrokenProcessPoolException : BrokenExecutorException
{
    /// <summary>Creates the exception with the default message.</summary>
    public BrokenProcessPoolException()
        : base("A process in the process pool was terminated abruptly; the pool is not usable anymore.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenProcessPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public BrokenProcessPoolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
