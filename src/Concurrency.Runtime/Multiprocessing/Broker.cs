using System.Buffers.Binary;
using System.IO;
using System.Net.Sockets;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// The server that makes this process's IPC objects reachable from other processes: a Unix domain
/// socket in the private runtime directory, one thread per client connection. A connection is bound
/// to one object (its first frame names it); then each frame is a request, answered in order.
/// Started on the first IPC object created here; it lives as long as this process, so an object
/// is usable by children while its creator runs.
/// </summary>
/// <remarks>
/// Frames are <c>[int32 length][byte op or status][body]</c>, little-endian. Blocking requests wait on
/// the server thread in slices, checking between slices that the client is still there, so a
/// client that dies while waiting does not later swallow an item or hold a lock.
/// </remarks>
internal static class Broker
{
    private static readonly object s_gate = new();
    private static readonly Dictionary<long, IServed> s_objects = new();   // guarded by s_gate
    private static readonly Dictionary<(long, int, int), int> s_clients = new(); // (object, pid, tag) -> open connections; guarded by s_gate
    private static long s_nextId;
    private static string? s_socketPath;
    private static Socket? s_listener;

    /// <summary>Registers an object and returns its id and the broker's socket path, starting the broker if needed.</summary>
    internal static (string Socket, long Id) Register(IServed served)
    {
        lock (s_gate)
        {
            EnsureStarted();
            var id = ++s_nextId;
            s_objects[id] = served;
            return (s_socketPath!, id);
        }
    }

    internal static bool IsOwn(string socket)
    {
        lock (s_gate)
        {
            return s_socketPath == socket;
        }
    }

    /// <summary>
    /// Binds a handle that arrived here: to the object itself if this process created it, else to a
    /// client of the creator's broker (<paramref name="tag"/> goes with the client's hello).
    /// </summary>
    internal static (T? Local, BrokerClient? Remote) Attach<T>(IpcHandle handle, int tag = 0)
        where T : class, IServed =>
        handle.IsLocal ? (Local<T>(handle.Id), null) : (null, new BrokerClient(handle, tag));

    /// <summary>The object with <paramref name="id"/> in this process.</summary>
    internal static T Local<T>(long id)
        where T : class, IServed
    {
        lock (s_gate)
        {
            return s_objects.TryGetValue(id, out var served) && served is T typed
                ? typed
                : throw new InvalidOperationException($"No {typeof(T).Name} with id {id} in this process.");
        }
    }

    private static void EnsureStarted()
    {
        if (s_listener is not null)
        {
            return;
        }

        var path = Path.Combine(RuntimeDirectory.Path, "broker.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(128);
        s_listener = listener;
        s_socketPath = path;
        var acceptor = new System.Threading.Thread(() => AcceptLoop(listener)) { IsBackground = true, Name = "mp broker accept" };
        acceptor.Start();
    }

    private static void AcceptLoop(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = listener.Accept();
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var server = new System.Threading.Thread(() => ServeSafely(client)) { IsBackground = true, Name = "mp broker connection" };
            server.Start();
        }
    }

    /// <summary>A client's misbehaviour must never bring down the process that owns the objects.</summary>
    private static void ServeSafely(Socket socket)
    {
        try
        {
            Serve(socket);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"multiprocessing broker (pid {Environment.ProcessId}): a connection failed: {e.Message}");
        }
    }

    private static void Serve(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        using var input = new BufferedStream(stream, 64 * 1024);
        IServed? served = null;
        Session? session = null;
        try
        {
            var hello = Frames.Read(input);
            if (hello is null)
            {
                return;
            }

            var id = BinaryPrimitives.ReadInt64LittleEndian(hello.AsSpan(1));
            var pid = BinaryPrimitives.ReadInt32LittleEndian(hello.AsSpan(9));
            var tag = BinaryPrimitives.ReadInt32LittleEndian(hello.AsSpan(13));
            lock (s_gate)
            {
                s_objects.TryGetValue(id, out served);
                if (served is not null)
                {
                    s_clients[(id, pid, tag)] = s_clients.GetValueOrDefault((id, pid, tag)) + 1;
                }
            }

            if (served is null)
            {
                Frames.Write(socket, Status.Error, Errors.Encode(new InvalidOperationException($"The broker of pid {Environment.ProcessId} has no object {id}.")));
                return;
            }

            session = new Session(socket, id, pid, tag);
            Frames.Write(socket, Status.Ok, ReadOnlySpan<byte>.Empty);
            while (Frames.Read(input) is { } request)
            {
                Reply? reply;
                try
                {
                    reply = served.Serve(session, request[0], request.AsSpan(1));
                }
                catch (Exception e) when (e is not ClientGoneException)
                {
                    reply = new Reply(Status.Error, Errors.Encode(e));
                }

                if (reply is { } r)
                {
                    try
                    {
                        Frames.Write(socket, r.Status, r.Body);
                    }
                    catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
                    {
                        served.Undeliverable(session, request[0], r);
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or ClientGoneException)
        {
            // the client went away (it exited or was killed); a partial frame is dropped
        }
        finally
        {
            if (served is not null && session is not null)
            {
                bool last;
                lock (s_gate)
                {
                    var left = s_clients[(session.ObjectId, session.Pid, session.Tag)] - 1;
                    last = left == 0;
                    if (last)
                    {
                        s_clients.Remove((session.ObjectId, session.Pid, session.Tag));
                    }
                    else
                    {
                        s_clients[(session.ObjectId, session.Pid, session.Tag)] = left;
                    }
                }

                served.Disconnected(session, lastOfProcess: last);
            }
        }
    }
}

/// <summary>A broker-side object: answers requests and cleans up after a client process.</summary>
internal interface IServed
{
    /// <summary>Answers one request; null for a request that expects no reply.</summary>
    Reply? Serve(Session session, byte op, ReadOnlySpan<byte> body);

    /// <summary>A reply could not be sent (the client died): give back what it took.</summary>
    void Undeliverable(Session session, byte op, Reply reply);

    /// <summary>A client connection closed; <paramref name="lastOfProcess"/> when it was its process's last one for this object.</summary>
    void Disconnected(Session session, bool lastOfProcess);
}

/// <summary>One client connection as the broker sees it.</summary>
internal sealed class Session
{
    private readonly Socket _socket;

    internal Session(Socket socket, long objectId, int pid, int tag)
    {
        _socket = socket;
        ObjectId = objectId;
        Pid = pid;
        Tag = tag;
    }

    internal long ObjectId { get; }

    /// <summary>The client's process id.</summary>
    internal int Pid { get; }

    /// <summary>A number the client sent with its hello (a pipe end's index).</summary>
    internal int Tag { get; }

    /// <summary>Throws <see cref="ClientGoneException"/> if the client closed its end (it is waiting for a reply, so readable means gone).</summary>
    internal void ThrowIfGone()
    {
        if (_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0)
        {
            throw new ClientGoneException();
        }
    }

    /// <summary>
    /// Runs a blocking <paramref name="attempt"/> in slices of at most a quarter second until it
    /// succeeds or <paramref name="timeoutMs"/> (-1 = forever) passes, checking the client between slices.
    /// </summary>
    internal bool WaitInSlices(int timeoutMs, Func<TimeSpan, bool> attempt)
    {
        var deadline = Internal.Deadline.After(timeoutMs < 0 ? null : TimeSpan.FromMilliseconds(timeoutMs));
        while (true)
        {
            var remaining = deadline.Remaining;
            var slice = remaining is { } r && r < Slice ? r : Slice;
            if (attempt(slice))
            {
                return true;
            }

            if (deadline.RemainingMilliseconds == 0)
            {
                return false;
            }

            ThrowIfGone();
        }
    }

    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);
}

/// <summary>The client left while its request waited.</summary>
internal sealed class ClientGoneException : Exception
{
    public ClientGoneException()
        : base("The client process went away.")
    {
    }

    public ClientGoneException(string message)
        : base(message)
    {
    }

    public ClientGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A reply: a status and a body.</summary>
internal readonly record struct Reply(byte Status, byte[] Body)
{
    internal static readonly Reply Ok = new(Multiprocessing.Status.Ok, Array.Empty<byte>());
    internal static readonly Reply False = new(Multiprocessing.Status.False, Array.Empty<byte>());

    internal static Reply Of(bool value) => value ? Ok : False;
}

/// <summary>Reply statuses.</summary>
internal static class Status
{
    internal const byte Ok = 0;
    internal const byte Empty = 1;
    internal const byte Full = 2;
    internal const byte Closed = 3;
    internal const byte False = 4;
    internal const byte Error = 5;
}

/// <summary>Length-prefixed frames.</summary>
internal static class Frames
{
    /// <summary>Reads one frame (first byte = op or status), or null at a clean end of stream. A partial frame throws.</summary>
    internal static byte[]? Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[4];
        var got = stream.ReadAtLeast(header, 4, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }

        if (got < 4)
        {
            throw new EndOfStreamException("A frame was cut short.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var frame = new byte[length];
        stream.ReadExactly(frame);
        return frame;
    }

    /// <summary>Writes one frame with a single send, so frames from several threads never interleave.</summary>
    internal static void Write(Socket socket, byte first, ReadOnlySpan<byte> body)
    {
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 1 + body.Length);
        frame[4] = first;
        body.CopyTo(frame.AsSpan(5));
        var sent = 0;
        while (sent < frame.Length)
        {
            sent += socket.Send(frame.AsSpan(sent));
        }
    }
}

/// <summary>Exceptions raised in the broker, carried to the client by type name and message.</summary>
internal static class Errors
{
    internal static byte[] Encode(Exception e) => System.Text.Encoding.UTF8.GetBytes($"{e.GetType().FullName}\n{e.Message}");

    internal static Exception Decode(ReadOnlySpan<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        var split = text.IndexOf('\n', StringComparison.Ordinal);
        var type = text[..split];
        var message = text[(split + 1)..];
        return type switch
        {
            "System.Threading.SynchronizationLockException" => new System.Threading.SynchronizationLockException(message),
            "System.Threading.SemaphoreFullException" => new System.Threading.SemaphoreFullException(message),
            "Concurrency.Runtime.Threading.SelfDeadlockException" => new InvalidOperationException(message),
            "System.ArgumentOutOfRangeException" => new ArgumentOutOfRangeException(null, message),
            "System.ArgumentException" => new ArgumentException(message),
            "System.IO.IOException" => new IOException(message),
            "System.ObjectDisposedException" => new ObjectDisposedException(null, message),
            _ => new InvalidOperationException($"{type}: {message}"),
        };
    }
}
