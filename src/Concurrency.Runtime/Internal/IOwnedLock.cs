using Concurrency.Runtime.Threading;

namespace Concurrency.Runtime.Internal;

/// <summary>What a <see cref="Condition"/> needs from its lock: ownership, and a full release and restore around a wait.</summary>
internal interface IOwnedLock : IAcquirable
{
    bool IsHeldByCurrentThread { get; }

    ISyncMonitor Monitor { get; }

    /// <summary>Releases the lock completely and returns what <see cref="AcquireRestore"/> needs to take it back.</summary>
    int ReleaseSave();

    /// <summary>Blocks until the lock is re-acquired in the state <see cref="ReleaseSave"/> saved.</summary>
    void AcquireRestore(int saved);
}
