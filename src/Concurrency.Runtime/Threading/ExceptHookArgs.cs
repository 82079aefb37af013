namespace Concurrency.Runtime.Threading;

/// <summary>What <see cref="Thread.ExceptHook"/> receives: Python's <c>threading.ExceptHookArgs</c>.</summary>
public sealed class ExceptHookArgs
{
    internal ExceptHookArgs(Exception exception, Thread thread)
    {
        Exception = exception;
        Thread = thread;
    }

    /// <summary>The exception that escaped the thread's <c>Run</c>.</summary>
    public Exception Exception { get; }

    /// <summary>The thread it escaped from.</summary>
    public Thread Thread { get; }
}
