using System.Buffers.Binary;
using System.IO;
using System.Net.Sockets;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// The client side of an IPC object that lives in another process: one broker connection per
/// thread (so a thread's requests are answered in the order it made them, and one thread's blocking
/// wait never holds up another's), opened on first use.
/// </summary>
internal sealed class BrokerClient
{
    private readonly IpcHandle _handle;
    private readonly int _tag;
    private readonly System.Threading.ThreadLocal<Connection?> _connections = new(trackAllValues: true);
    private bool _closed;

    internal BrokerClient(IpcHandle handle, int tag = 0)
    {
        _handle = handle;
        _tag = tag;
    }

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    internal bool IsClosed => System.Threading.Volatile.Read(ref _closed);

    /// <summary>Sends a request that expects no reply (a feeder's batch of puts).</summary>
    internal void Send(byte op, ReadOnlySpan<byte> body)
    {
        var connection = Open();
        try
        {
            Frames.Write(connection.Socket, op, body);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            throw Gone(e);
        }
    }

    /// <summary>Sends a request and waits for its reply; a broker-side error is rethrown here.</summary>
    internal Reply Call(byte op, ReadOnlySpan<byte> body)
    {
        var connection = Open();
        byte[]? frame;
        try
        {
            Frames.Write(connection.Socket, op, body);
            frame = Frames.Read(connection.Stream);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            throw Gone(e);
        }

        if (frame is null)
        {
            throw Gone(null);
        }

        if (frame[0] == Status.Error)
        {
            throw Errors.Decode(frame.AsSpan(1));
        }

        return new Reply(frame[0], frame[1..]);
    }

    /// <summary>Closes this process's connections to the object.</summary>
    internal void Close()
    {
        _closed = true;
        foreach (var connection in _connections.Values)
        {
            connection?.Stream.Dispose();
        }
    }

    private Connection Open()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_connections.Value is { } open)
        {
            return open;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_handle.Socket));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw Gone(e);
        }

        var connection = new Connection(socket);
        Span<byte> hello = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(hello, _handle.Id);
        BinaryPrimitives.WriteInt32LittleEndian(hello[8..], Environment.ProcessId);
        BinaryPrimitives.WriteInt32LittleEndian(hello[12..], _tag);
        Frames.Write(socket, 0, hello);
        var reply = Frames.Read(connection.Stream) ?? throw Gone(null);
        if (reply[0] == Status.Error)
        {
            throw Errors.Decode(reply.AsSpan(1));
        }

        _connections.Value = connection;
        return connection;
    }

    private EndOfStreamException Gone(Exception? cause) =>
        new($"The {_handle.Kind} is gone: the process that created it (pid {_handle.OwnerPid}) has exited or closed it.", cause);

    private sealed class Connection
    {
        internal Connection(Socket socket)
        {
            Socket = socket;
            Stream = new NetworkStream(socket, ownsSocket: true);
        }

        internal Socket Socket { get; }

        internal NetworkStream Stream { get; }
    }
}

/// <summary>Little helpers to build and read request bodies.</summary>
internal static class Body
{
    internal static byte[] Flags(bool block, int timeoutMs)
    {
        var body = new byte[5];
        body[0] = block ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(1), timeoutMs);
        return body;
    }

    internal static byte[] Flags(bool block, int timeoutMs, ReadOnlySpan<byte> payload)
    {
        var body = new byte[5 + payload.Length];
        body[0] = block ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(1), timeoutMs);
        payload.CopyTo(body.AsSpan(5));
        return body;
    }

    internal static (bool Block, int TimeoutMs) ReadFlags(ReadOnlySpan<byte> body) =>
        (body[0] != 0, BinaryPrimitives.ReadInt32LittleEndian(body[1..]));

    /// <summary>What follows the flags.</summary>
    internal static ReadOnlySpan<byte> AfterFlags(ReadOnlySpan<byte> body) => body[5..];

    internal static byte[] Int(int value)
    {
        var body = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(body, value);
        return body;
    }

    internal static int ReadInt(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadInt32LittleEndian(body);
}
