namespace Concurrency.Runtime.Threading;

/// <summary>
/// A <see cref="Barrier"/> is broken: it was aborted or reset while threads waited, a wait timed
/// out, or the barrier action threw. Python's <c>threading.BrokenBarrierError</c>.
/// </summary>
public sealed class BrokenBarrierException : InvalidOperationException
{
    /// <summary>Creates the exception with a message saying why the barrier broke.</summary>
    public BrokenBarrierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that broke the barrier.</summary>
    public BrokenBarrierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
