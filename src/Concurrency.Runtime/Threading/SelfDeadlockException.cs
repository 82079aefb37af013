namespace Concurrency.Runtime.Threading;

/// <summary>
/// A thread tried to acquire a non-reentrant <see cref="Lock"/> it already holds. In Python this
/// hangs forever (course topic 3.7); here it is reported at once. Use <see cref="RLock"/> when a
/// thread must take the same lock again, e.g. from a nested call.
/// </summary>
public sealed class SelfDeadlockException : InvalidOperationException
{
    /// <summary>Creates the exception for the lock named <paramref name="lockName"/>.</summary>
    public SelfDeadlockException(string lockName)
        : base($"Self-deadlock: the current thread already holds Lock '{lockName}' and tried to acquire it again. " +
               "A Lock is not reentrant; waiting would hang forever. Use an RLock if the same thread must re-acquire it.")
    {
        LockName = lockName;
    }

    /// <summary>The name of the lock.</summary>
    public string LockName { get; }
}
