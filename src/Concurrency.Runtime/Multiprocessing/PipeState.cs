using System.IO;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A pipe as its creator holds it: two one-way channels, <c>[i]</c> carrying the messages end
/// <c>i</c> receives. An end closes when any holder calls Close, or when a process that used it
/// exits (the broker sees its connections drop).
/// </summary>
internal sealed class PipeState : IServed
{
    internal const byte Send = 1;
    internal const byte Recv = 2;
    internal const byte Poll = 3;
    internal const byte Close = 4;

    private readonly MessageChannel[] _inbox = { new(), new() };

    /// <summary>Puts a message for the end opposite <paramref name="from"/>.</summary>
    /// <exception cref="IOException">The receiving end is closed (Python's BrokenPipeError).</exception>
    internal void SendFrom(int from, byte[] message) => _inbox[1 - from].Add(message);

    /// <summary>Takes the next message for end <paramref name="end"/>, waiting up to <paramref name="timeout"/>; null if none came.</summary>
    /// <exception cref="EndOfStreamException">The other end is closed and everything it sent has been received.</exception>
    internal byte[]? ReceiveAt(int end, TimeSpan? timeout) => _inbox[end].Take(timeout);

    /// <summary>Whether end <paramref name="end"/> has a message or end of stream to read within <paramref name="timeout"/>.</summary>
    internal bool PollAt(int end, TimeSpan? timeout) => _inbox[end].WaitReadable(timeout);

    /// <summary>Closes end <paramref name="end"/>: the other end reads what is left, then end of stream; its sends fail.</summary>
    internal void CloseEnd(int end)
    {
        _inbox[1 - end].CloseWriter();
        _inbox[end].CloseReader();
    }

    public Reply? Serve(Session session, byte op, ReadOnlySpan<byte> body)
    {
        var end = session.Tag;
        switch (op)
        {
            case Send:
                SendFrom(end, body.ToArray());
                return Reply.Ok;
            case Recv:
            {
                byte[]? message = null;
                try
                {
                    session.WaitInSlices(-1, slice => (message = ReceiveAt(end, slice)) is not null);
                }
                catch (EndOfStreamException)
                {
                    return new Reply(Status.Closed, Array.Empty<byte>());
                }

                return new Reply(Status.Ok, message!);
            }

            case Poll:
                return Reply.Of(session.WaitInSlices(Body.ReadInt(body), slice => PollAt(end, slice)));
            case Close:
                CloseEnd(end);
                return Reply.Ok;
            default:
                throw new InvalidOperationException($"Unknown pipe request {op}.");
        }
    }

    public void Undeliverable(Session session, byte op, Reply reply)
    {
    }

    /// <summary>The process that used this end has exited (or closed its connections): the end is closed.</summary>
    public void Disconnected(Session session, bool lastOfProcess)
    {
        if (lastOfProcess)
        {
            CloseEnd(session.Tag);
        }
    }
}

/// <summary>One direction of a pipe: messages in order, a closed-writer flag (end of stream once drained) and a closed-reader flag (sends fail).</summary>
internal sealed class MessageChannel
{
    private readonly System.Collections.Generic.Queue<byte[]> _messages = new(); // guarded by itself
    private bool _writerClosed;
    private bool _readerClosed;

    internal void Add(byte[] message)
    {
        lock (_messages)
        {
            if (_readerClosed || _writerClosed)
            {
                throw new IOException("Broken pipe: the receiving end of the pipe is closed.");
            }

            _messages.Enqueue(message);
            System.Threading.Monitor.PulseAll(_messages);
        }
    }

    internal byte[]? Take(TimeSpan? timeout)
    {
        lock (_messages)
        {
            if (!WaitLocked(timeout))
            {
                return null;
            }

            if (_messages.Count == 0)
            {
                throw new EndOfStreamException("The other end of the pipe was closed, and every message it sent has been received.");
            }

            return _messages.Dequeue();
        }
    }

    internal bool WaitReadable(TimeSpan? timeout)
    {
        lock (_messages)
        {
            return WaitLocked(timeout);
        }
    }

    internal void CloseWriter()
    {
        lock (_messages)
        {
            _writerClosed = true;
            System.Threading.Monitor.PulseAll(_messages);
        }
    }

    internal void CloseReader()
    {
        lock (_messages)
        {
            _readerClosed = true;
            _messages.Clear();
            System.Threading.Monitor.PulseAll(_messages);
        }
    }

    /// <summary>Waits until a message or end of stream is there; false on timeout.</summary>
    private bool WaitLocked(TimeSpan? timeout)
    {
        var deadline = Internal.Deadline.After(timeout);
        while (_messages.Count == 0 && !_writerClosed)
        {
            var left = deadline.RemainingMilliseconds;
            if (left == 0)
            {
                return false;
            }

            System.Threading.Monitor.Wait(_messages, left);
        }

        return true;
    }
}
