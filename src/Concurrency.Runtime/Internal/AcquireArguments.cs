namespace Concurrency.Runtime.Internal;

/// <summary>The argument rules of Python's <c>acquire(blocking, timeout)</c>, shared by the locks and semaphores.</summary>
internal static class AcquireArguments
{
    internal static void Validate(bool blocking, TimeSpan? timeout)
    {
        if (timeout is null)
        {
            return;
        }

        if (!blocking)
        {
            throw new ArgumentException("A timeout cannot be given for a non-blocking acquire (blocking: false never waits).", nameof(timeout));
        }

        Deadline.ValidateTimeout(timeout);
    }
}
