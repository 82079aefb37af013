using System.IO;
using System.Text.Json;
using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Queues;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A first-in, first-out queue that several processes share, Python's <c>multiprocessing.Queue</c>:
/// pass it to children as a <see cref="Process"/> argument (or inside a subclass's state) and any of
/// them, and the creator, can <see cref="Put"/> and <see cref="Get"/>. Items are copied: they travel
/// as JSON (see <see cref="Process"/> for what travels).
/// </summary>
/// <remarks>
/// <para>The items live in the process that created the queue, in a thread queue (the course's
/// "queue = pipe + lock": here a socket per client and the thread queue's lock); other processes
/// reach it through that process's broker, a Unix domain socket. So the queue works while its
/// creator runs; once the creator has exited, other processes get <see cref="EndOfStreamException"/>.</para>
/// <para>A process killed in the middle of a <see cref="Put"/> leaves nothing half-written: the broker
/// drops a partial message, and everything put before stays.</para>
/// <para>In another process, a put to an unbounded <see cref="Queue{T}"/> does not wait for the
/// creator: as in CPython, the item goes into a buffer of this process that a feeder thread (one per
/// queue and process) writes to the creator in batches, many items per socket write. The process's
/// own later calls on the queue (<see cref="Get"/>, <see cref="QSize"/>, ...) first wait until the
/// creator holds its buffered puts, and a process that ends normally (also by
/// <see cref="Environment.Exit(int)"/>) delivers them before it exits; a process killed by a signal
/// loses what was still in its buffer, never what the creator already holds. So
/// <see cref="QSize"/>, <see cref="Empty"/> and <see cref="Full"/> are approximate, as in Python:
/// puts other processes have buffered but not yet written are not counted.</para>
/// <para>Named like the thread queue <see cref="Queues.Queue{T}"/>; it reuses its
/// <see cref="QueueEmptyException"/> and <see cref="QueueFullException"/>.</para>
/// </remarks>
/// <typeparam name="T">The type of the items; every process using the queue must read them as the same type.</typeparam>
[DebuggerDisplay("{GetType().Name,nq}, maxsize = {MaxSize}")]
public class Queue<T> : IIpcObject
{
    private readonly QueueState? _local;
    private readonly BrokerClient? _remote;
    private readonly Feeder? _feeder;

    /// <summary>Creates a queue holding at most <paramref name="maxsize"/> items (0 = unbounded), owned by this process.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxsize"/> is negative.</exception>
    public Queue(int maxsize = 0)
        : this(maxsize, "queue")
    {
    }

    private protected Queue(int maxsize, string kind)
    {
        if (maxsize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxsize), maxsize, "maxsize must be 0 (unbounded) or positive.");
        }

        _local = new QueueState(maxsize);
        var (socket, id) = Broker.Register(_local);
        Handle = new IpcHandle(socket, id, Environment.ProcessId, kind, maxsize);
    }

    /// <summary>Reopens a queue that travelled from another process.</summary>
    internal Queue(IpcHandle handle)
    {
        Handle = handle;
        (_local, _remote) = Broker.Attach<QueueState>(handle);
        if (_remote is not null && MaxSize == 0 && !IsJoinable)
        {
            _feeder = new Feeder(_remote, handle.Kind);
        }
    }

    /// <summary>The most items the queue holds; 0 means unbounded.</summary>
    public int MaxSize => Handle.A;

    /// <summary>
    /// The approximate number of items (another process may change it at once). In a process other
    /// than the creator it asks the creator, a round trip.
    /// </summary>
    /// <exception cref="EndOfStreamException">The creating process has exited.</exception>
    public int QSize => _local is not null ? _local.Items.QSize : Body.ReadInt(Remote!.Call(QueueState.Size, ReadOnlySpan<byte>.Empty).Body);

    /// <summary>Whether the queue is empty now (approximate, like <see cref="QSize"/>).</summary>
    public bool Empty => QSize == 0;

    /// <summary>Whether the queue is full now (approximate); never true when unbounded.</summary>
    public bool Full => MaxSize > 0 && QSize >= MaxSize;

    IpcHandle IIpcObject.Handle => Handle;

    private protected IpcHandle Handle { get; }

    private protected bool IsJoinable => Handle.Kind != "queue";

    /// <summary>
    /// Adds a copy of <paramref name="item"/>. If the queue is full: with <paramref name="block"/>
    /// true, waits for room until <paramref name="timeout"/> passes (null = no limit); with false,
    /// fails at once (the timeout is then ignored, as in Python).
    /// </summary>
    /// <exception cref="QueueFullException">No room came within the timeout, or the queue is full and <paramref name="block"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="item"/> cannot be serialized.</exception>
    /// <exception cref="EndOfStreamException">The creating process has exited (for a buffered put to an unbounded queue, reported by the next call).</exception>
    /// <exception cref="ObjectDisposedException"><see cref="Close"/> was called in this process.</exception>
    public void Put(T item, bool block = true, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        var bytes = Encode(item);
        if (_local is not null)
        {
            _local.Items.Put(bytes, block, deadline.Remaining);
            return;
        }

        if (_feeder is not null)
        {
            // unbounded: it can never be full, so block and timeout do not matter
            ObjectDisposedException.ThrowIf(_remote!.IsClosed, this);
            _feeder.Put(bytes);
            return;
        }

        var reply = _remote!.Call(QueueState.Put, Body.Flags(block, deadline.RemainingMilliseconds, bytes));
        if (reply.Status == Status.Full)
        {
            throw new QueueFullException();
        }
    }

    /// <summary>Adds <paramref name="item"/> only if there is room now: <c>Put(item, block: false)</c>.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    public void PutNowait(T item) => Put(item, block: false);

    /// <summary>
    /// Removes and returns the next item. If the queue is empty: with <paramref name="block"/> true,
    /// waits until <paramref name="timeout"/> passes (null = no limit); with false, fails at once.
    /// </summary>
    /// <exception cref="QueueEmptyException">No item came within the timeout, or the queue is empty and <paramref name="block"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="EndOfStreamException">The creating process has exited.</exception>
    public T Get(bool block = true, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (_local is not null)
        {
            return Decode(_local.Items.Get(block, deadline.Remaining));
        }

        var reply = Remote!.Call(QueueState.Get, Body.Flags(block, deadline.RemainingMilliseconds));
        return reply.Status == Status.Empty ? throw new QueueEmptyException() : Decode(reply.Body);
    }

    /// <summary>Removes and returns an item only if one is there now: <c>Get(block: false)</c>.</summary>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    public T GetNowait() => Get(block: false);

    /// <summary>
    /// Closes this process's connections to a queue created elsewhere (Python's <c>close</c>); later
    /// calls here throw <see cref="ObjectDisposedException"/>. In the creating process it does nothing:
    /// the queue lives as long as that process. Blocks only until the creator holds the puts this
    /// process still had buffered (Python's <c>join_thread</c>).
    /// </summary>
    public void Close()
    {
        if (_remote is null || _remote.IsClosed)
        {
            return;
        }

        try
        {
            _feeder?.Sync();
        }
        catch (EndOfStreamException)
        {
            // the creator is gone: nothing left to deliver
        }

        _remote.Close();
    }

    /// <summary>
    /// The client for every request other than a buffered put; first waits until the creator holds
    /// this process's buffered puts, so a process always sees its own puts (null in the creator).
    /// </summary>
    private protected BrokerClient? Remote
    {
        get
        {
            if (_feeder is not null && !_remote!.IsClosed)
            {
                _feeder.Sync();
            }

            return _remote;
        }
    }

    private protected QueueState? LocalState => _local;

    private static byte[] Encode(T item)
    {
        try
        {
            return Wire.Serialize(item);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new ArgumentException($"The item (a {Wire.TypeName(item?.GetType() ?? typeof(T))}) cannot be put on a process queue: {e.Message} {Wire.WhatTravels}", nameof(item), e);
        }
    }

    private static T Decode(byte[] bytes) => Wire.Deserialize<T>(bytes);
}

/// <summary>
/// A process queue whose consumers report each item done, Python's <c>multiprocessing.JoinableQueue</c>:
/// every <see cref="Queue{T}.Put"/> counts an unfinished task, <see cref="TaskDone"/> (in any
/// process) finishes one, and <see cref="Join"/> (in any process) waits until none is left.
/// Every put from another process waits for the creator to count it, so a <see cref="Join"/> that
/// follows it always sees it.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
public class JoinableQueue<T> : Queue<T>
{
    /// <summary>Creates a joinable queue holding at most <paramref name="maxsize"/> items (0 = unbounded).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxsize"/> is negative.</exception>
    public JoinableQueue(int maxsize = 0)
        : base(maxsize, "joinable queue")
    {
    }

    internal JoinableQueue(IpcHandle handle)
        : base(handle)
    {
    }

    /// <summary>Marks one item taken with <see cref="Queue{T}.Get"/> as processed. Never blocks (beyond a round trip to the creator).</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    public void TaskDone()
    {
        if (LocalState is { } local)
        {
            local.Items.TaskDone();
            return;
        }

        Remote!.Call(QueueState.TaskDone, ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Waits until every item put has been marked done, or <paramref name="timeout"/> passes (null = no limit).</summary>
    /// <returns>True if all tasks are done.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (LocalState is { } local)
        {
            return local.Items.Join(deadline.Remaining);
        }

        return Remote!.Call(QueueState.Join, Body.Int(deadline.RemainingMilliseconds)).Status == Status.Ok;
    }
}
