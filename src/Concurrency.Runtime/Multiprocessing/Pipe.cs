using System.IO;
using System.Text.Json;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// Two connected <see cref="Connection"/>s, Python's <c>multiprocessing.Pipe(duplex)</c>:
/// <c>var (parentEnd, childEnd) = new Pipe();</c>, then pass one end to a child as a
/// <see cref="Process"/> argument. Duplex (the default): both ends send and receive. One-way:
/// <see cref="First"/> only receives and <see cref="Second"/> only sends, as in Python.
/// </summary>
/// <remarks>
/// The messages live in the process that created the pipe and reach other processes through its
/// broker (a Unix domain socket); the pipe works while that process runs. An end is closed by
/// <see cref="Connection.Close"/> in any process that holds it, or when a process that used it exits.
/// </remarks>
public sealed class Pipe
{
    /// <summary>Creates a pipe owned by this process.</summary>
    /// <param name="duplex">True: both ends send and receive; false: <see cref="First"/> receives what <see cref="Second"/> sends.</param>
    public Pipe(bool duplex = true)
    {
        var state = new PipeState();
        var (socket, id) = Broker.Register(state);
        First = new Connection(new IpcHandle(socket, id, Environment.ProcessId, "pipe", 0, duplex ? Connection.Both : Connection.ReadOnly));
        Second = new Connection(new IpcHandle(socket, id, Environment.ProcessId, "pipe", 1, duplex ? Connection.Both : Connection.WriteOnly));
    }

    /// <summary>The first end (the receiving end of a one-way pipe).</summary>
    public Connection First { get; }

    /// <summary>The second end (the sending end of a one-way pipe).</summary>
    public Connection Second { get; }

    /// <summary>Lets <c>var (a, b) = new Pipe();</c> read like Python's <c>a, b = Pipe()</c>.</summary>
    public void Deconstruct(out Connection first, out Connection second)
    {
        first = First;
        second = Second;
    }
}

/// <summary>
/// One end of a <see cref="Pipe"/>, Python's <c>multiprocessing.connection.Connection</c>: it
/// <see cref="Send{T}"/>s copies of objects (as JSON) to the other end and <see cref="Recv{T}"/>s
/// what the other end sent, in order. Both sides must agree on the type of each message.
/// </summary>
public sealed class Connection : IIpcObject
{
    internal const int ReadOnly = 1;
    internal const int WriteOnly = 2;
    internal const int Both = ReadOnly | WriteOnly;

    private readonly PipeState? _local;
    private readonly BrokerClient? _remote;
    private volatile bool _closed;

    internal Connection(IpcHandle handle)
    {
        Handle = handle;
        (_local, _remote) = Broker.Attach<PipeState>(handle, handle.A);
    }

    /// <summary>Whether this end can receive.</summary>
    public bool Readable => (Handle.B & ReadOnly) != 0;

    /// <summary>Whether this end can send.</summary>
    public bool Writable => (Handle.B & WriteOnly) != 0;

    /// <summary>Whether <see cref="Close"/> was called on this object.</summary>
    public bool Closed => _closed;

    IpcHandle IIpcObject.Handle => Handle;

    private IpcHandle Handle { get; }

    private int End => Handle.A;

    /// <summary>Sends a copy of <paramref name="value"/> to the other end. Does not wait for a receiver (only, from another process, for the pipe's creator to store it).</summary>
    /// <exception cref="IOException">The other end is closed (Python's <c>BrokenPipeError</c>).</exception>
    /// <exception cref="ObjectDisposedException">This end is closed.</exception>
    /// <exception cref="InvalidOperationException">This is the receiving end of a one-way pipe.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> cannot be serialized.</exception>
    public void Send<T>(T value)
    {
        Check(Writable, "send on the receiving end of a one-way pipe");
        byte[] bytes;
        try
        {
            bytes = Wire.Serialize(value);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException)
        {
            throw new ArgumentException($"The value (a {Wire.TypeName(value?.GetType() ?? typeof(T))}) cannot be sent through a pipe: {e.Message} {Wire.WhatTravels}", nameof(value), e);
        }

        if (_local is not null)
        {
            _local.SendFrom(End, bytes);
            return;
        }

        if (_remote!.Call(PipeState.Send, bytes).Status == Status.Closed)
        {
            throw new IOException("Broken pipe: the receiving end of the pipe is closed.");
        }
    }

    /// <summary>Receives the next message, waiting as long as it takes (use <see cref="Poll(TimeSpan?)"/> to wait with a limit).</summary>
    /// <exception cref="EndOfStreamException">The other end is closed and every message it sent has been received (Python's <c>EOFError</c>).</exception>
    /// <exception cref="ObjectDisposedException">This end is closed.</exception>
    /// <exception cref="InvalidOperationException">This is the sending end of a one-way pipe.</exception>
    public T Recv<T>()
    {
        Check(Readable, "receive on the sending end of a one-way pipe");
        if (_local is not null)
        {
            return Wire.Deserialize<T>(_local.ReceiveAt(End, null)!);
        }

        var reply = _remote!.Call(PipeState.Recv, ReadOnlySpan<byte>.Empty);
        return reply.Status == Status.Closed
            ? throw new EndOfStreamException("The other end of the pipe was closed, and every message it sent has been received.")
            : Wire.Deserialize<T>(reply.Body);
    }

    /// <summary>Whether a <see cref="Recv{T}"/> would return at once (a message, or end of stream), without waiting. Python's <c>poll()</c>.</summary>
    /// <exception cref="ObjectDisposedException">This end is closed.</exception>
    public bool Poll() => Poll(TimeSpan.Zero);

    /// <summary>Waits up to <paramref name="timeout"/> (null = no limit) until a <see cref="Recv{T}"/> would return at once.</summary>
    /// <returns>True if a message (or end of stream) is there to read.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">This end is closed.</exception>
    public bool Poll(TimeSpan? timeout)
    {
        var deadline = Internal.Deadline.After(timeout);
        Check(Readable, "poll the sending end of a one-way pipe");
        return _local is not null
            ? _local.PollAt(End, deadline.Remaining)
            : _remote!.Call(PipeState.Poll, Body.Int(deadline.RemainingMilliseconds)).Status == Status.Ok;
    }

    /// <summary>Closes this end: the other end receives what was already sent, then <see cref="EndOfStreamException"/>; its sends fail. Never blocks. A second call does nothing.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (_local is not null)
        {
            _local.CloseEnd(End);
            return;
        }

        try
        {
            _remote!.Call(PipeState.Close, ReadOnlySpan<byte>.Empty);
        }
        catch (EndOfStreamException)
        {
            // the pipe's creator is gone: nothing left to close
        }

        _remote!.Close();
    }

    /// <inheritdoc/>
    public override string ToString() => $"<Connection end {End} of a pipe of pid {Handle.OwnerPid}{(Readable ? " readable" : string.Empty)}{(Writable ? " writable" : string.Empty)}{(_closed ? " closed" : string.Empty)}>";

    private void Check(bool allowed, string what)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (!allowed)
        {
            throw new InvalidOperationException($"Cannot {what}.");
        }
    }
}
