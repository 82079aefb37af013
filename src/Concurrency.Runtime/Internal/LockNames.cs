namespace Concurrency.Runtime.Internal;

/// <summary>Argument checking shared by the lock annotations.</summary>
internal static class LockNames
{
    internal static string Validate(string lockName)
    {
        if (string.IsNullOrWhiteSpace(lockName))
        {
            throw new ArgumentException("Name the member that holds the lock, e.g. nameof(_gate).", nameof(lockName));
        }

        return lockName;
    }
}
