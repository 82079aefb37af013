using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Threading;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A counting semaphore that several processes share, Python's <c>multiprocessing.Semaphore</c>:
/// pass it to children as a <see cref="Process"/> argument; <see cref="Acquire"/> takes a unit,
/// waiting while none is left, in whichever process calls it.
/// </summary>
/// <remarks>
/// The count lives in the process that created the semaphore; other processes reach it through
/// that process's broker (a Unix domain socket), so it works while the creator runs. Units a process
/// still holds when it exits (even killed) are released for it. Implements <see cref="IAcquirable"/>:
/// <c>using (sem.Hold()) { ... }</c>.
/// </remarks>
[DebuggerDisplay("{GetType().Name,nq}")]
public class Semaphore : IAcquirable, IIpcObject
{
    private readonly SemaphoreState? _local;
    private readonly BrokerClient? _remote;

    /// <summary>Creates a semaphore with <paramref name="value"/> units (Python's default is 1), owned by this process.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public Semaphore(int value = 1)
        : this(new Threading.Semaphore(value), "semaphore")
    {
    }

    private protected Semaphore(Threading.Semaphore semaphore, string kind)
    {
        _local = new SemaphoreState(semaphore);
        var (socket, id) = Broker.Register(_local);
        Handle = new IpcHandle(socket, id, Environment.ProcessId, kind);
    }

    internal Semaphore(IpcHandle handle)
    {
        Handle = handle;
        (_local, _remote) = Broker.Attach<SemaphoreState>(handle);
    }

    /// <summary>The units available now (a snapshot; a round trip from a process other than the creator).</summary>
    public int Value => _local is not null ? _local.Semaphore.Value : Body.ReadInt(_remote!.Call(SemaphoreState.Value, ReadOnlySpan<byte>.Empty).Body);

    IpcHandle IIpcObject.Handle => Handle;

    private IpcHandle Handle { get; }

    /// <summary>
    /// Takes one unit. If none is available: with <paramref name="blocking"/> true, waits until one is
    /// released (in any process) or <paramref name="timeout"/> passes (null = no limit); with false,
    /// returns at once.
    /// </summary>
    /// <returns>True if a unit was taken.</returns>
    /// <exception cref="ArgumentException">A timeout was given with <paramref name="blocking"/> false, or it is negative.</exception>
    /// <exception cref="System.IO.EndOfStreamException">The creating process has exited.</exception>
    public bool Acquire(bool blocking = true, TimeSpan? timeout = null)
    {
        AcquireArguments.Validate(blocking, timeout);
        if (_local is not null)
        {
            return _local.Semaphore.Acquire(blocking, timeout);
        }

        var deadline = Deadline.After(timeout);
        return _remote!.Call(SemaphoreState.Acquire, Body.Flags(blocking, deadline.RemainingMilliseconds)).Status == Status.Ok;
    }

    /// <summary>Gives one unit back, waking one waiter in any process. Never blocks (beyond a round trip to the creator).</summary>
    /// <exception cref="System.Threading.SemaphoreFullException">A <see cref="Lock"/> that is not held was released.</exception>
    /// <exception cref="System.IO.EndOfStreamException">The creating process has exited.</exception>
    public void Release()
    {
        if (_local is not null)
        {
            _local.Semaphore.Release();
            return;
        }

        _remote!.Call(SemaphoreState.Release, ReadOnlySpan<byte>.Empty);
    }
}

/// <summary>
/// A lock that several processes share, Python's <c>multiprocessing.Lock</c> (a semaphore of one
/// that refuses to be released while free): the course's example is several processes appending to
/// one file in turns. Any process may release it; it is not reentrant (acquiring it again in the
/// process that holds it waits forever, as in Python). If the holder exits, even killed, the lock is released.
/// </summary>
public sealed class Lock : Semaphore
{
    /// <summary>Creates an unlocked lock owned by this process.</summary>
    public Lock()
        : base(new BoundedSemaphore(1), "lock")
    {
    }

    internal Lock(IpcHandle handle)
        : base(handle)
    {
    }

    /// <summary>Whether the lock is held now (a snapshot).</summary>
    public bool Locked => Value == 0;
}
