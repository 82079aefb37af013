namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The lock vocabulary every lock rule reads: per lock type, the methods that acquire it (blocking,
/// trying, asynchronously, or as a scope) and the methods that release it. The text-first syntax
/// index, CONC103's release search and CONC404's acquisition filter take their names from here, so
/// a name added for one rule reaches them all; <see cref="LockSymbols"/> binds the names to the
/// types. Runtime primitives are every <c>Concurrency.Runtime.Threading.IAcquirable</c> — <c>Lock</c>,
/// <c>RLock</c>, <c>Semaphore</c>, <c>BoundedSemaphore</c>, <c>Condition</c>, the inter-process
/// <c>Lock</c> and <c>Semaphore</c> — so a new runtime lock is recognised without a change here.
/// </summary>
internal static class LockApi
{
    /// <summary>How a method of the table takes part in holding a lock.</summary>
    public enum Role
    {
        /// <summary>Waits until the lock is held (may wait forever).</summary>
        Acquire,

        /// <summary>Acquires when it can, or within a timeout; tells whether it did.</summary>
        TryAcquire,

        /// <summary>Acquires without blocking the thread (awaited).</summary>
        AcquireAsync,

        /// <summary>Acquires and returns a scope whose disposal releases.</summary>
        Scope,

        /// <summary>Releases the lock.</summary>
        Release,
    }

    /// <summary>One row: a lock type (by its <see cref="KnownTypes"/> metadata name), a method, its role.</summary>
    public sealed class Entry
    {
        public Entry(string type, string method, Role role)
        {
            Type = type;
            Method = method;
            Role = role;
        }

        public string Type { get; }

        public string Method { get; }

        public Role Role { get; }
    }

    private const string Monitor = KnownTypes.Bcl.Monitor;
    private const string SemaphoreSlim = KnownTypes.Bcl.SemaphoreSlim;
    private const string ReaderWriterLockSlim = KnownTypes.Bcl.ReaderWriterLockSlim;
    private const string SpinLock = KnownTypes.Bcl.SpinLock;
    private const string Mutex = KnownTypes.Bcl.Mutex;
    private const string Acquirable = KnownTypes.Runtime.IAcquirable;

    /// <summary>The table. <c>lock (x)</c> statements are not in it: they are syntax of their own.</summary>
    public static readonly ImmutableArray<Entry> Entries = ImmutableArray.Create(
        new Entry(Monitor, "Enter", Role.Acquire),
        new Entry(Monitor, "TryEnter", Role.TryAcquire),
        new Entry(Monitor, "Exit", Role.Release),
        new Entry(SemaphoreSlim, "Wait", Role.Acquire),
        new Entry(SemaphoreSlim, "WaitAsync", Role.AcquireAsync),
        new Entry(SemaphoreSlim, "Release", Role.Release),
        new Entry(ReaderWriterLockSlim, "EnterReadLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "EnterWriteLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "EnterUpgradeableReadLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "TryEnterReadLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "TryEnterWriteLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "TryEnterUpgradeableReadLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "ExitReadLock", Role.Release),
        new Entry(ReaderWriterLockSlim, "ExitWriteLock", Role.Release),
        new Entry(ReaderWriterLockSlim, "ExitUpgradeableReadLock", Role.Release),
        new Entry(SpinLock, "Enter", Role.Acquire),
        new Entry(SpinLock, "TryEnter", Role.TryAcquire),
        new Entry(SpinLock, "Exit", Role.Release),
        new Entry(Mutex, "WaitOne", Role.Acquire),
        new Entry(Mutex, "ReleaseMutex", Role.Release),
        new Entry(Acquirable, "Acquire", Role.Acquire),
        new Entry(Acquirable, "Hold", Role.Scope),
        new Entry(Acquirable, "Release", Role.Release));

    /// <summary>Every acquiring name, async and scopes included: what the syntax index searches the text for.</summary>
    public static readonly ImmutableArray<string> AcquisitionNames =
        Entries.Where(e => e.Role != Role.Release).Select(e => e.Method).Distinct().ToImmutableArray();

    /// <summary>The names that acquire by blocking the thread (not <c>WaitAsync</c>): what CONC404 looks at.</summary>
    public static readonly ImmutableHashSet<string> BlockingAcquisitionNames =
        Entries.Where(e => e.Role is Role.Acquire or Role.TryAcquire or Role.Scope).Select(e => e.Method).ToImmutableHashSet();

    /// <summary>The releasing names: what CONC103 searches a <c>finally</c> for.</summary>
    public static readonly ImmutableHashSet<string> ReleaseNames =
        Entries.Where(e => e.Role == Role.Release).Select(e => e.Method).ToImmutableHashSet();
}
