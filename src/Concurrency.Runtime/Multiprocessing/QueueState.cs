using Concurrency.Runtime.Queues;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A process queue as its creator holds it: a thread queue of serialized items (the runtime's
/// <see cref="Queue{T}"/>, which brings maxsize, blocking, timeouts and task counting), served to
/// other processes by the broker.
/// </summary>
internal sealed class QueueState : IServed
{
    internal const byte Put = 2;
    internal const byte Get = 3;
    internal const byte Size = 4;
    internal const byte TaskDone = 5;
    internal const byte Join = 6;
    internal const byte PutMany = 7;

    internal QueueState(int maxsize)
    {
        Items = new Queues.Queue<byte[]>(maxsize);
    }

    internal Queues.Queue<byte[]> Items { get; }

    public Reply? Serve(Session session, byte op, ReadOnlySpan<byte> body)
    {
        switch (op)
        {
            case PutMany:
            {
                // a feeder's batch: [int32 count]([int32 length][bytes])*, no reply
                var count = Body.ReadInt(body);
                var at = 4;
                for (var i = 0; i < count; i++)
                {
                    var length = Body.ReadInt(body[at..]);
                    Items.Put(body.Slice(at + 4, length).ToArray());
                    at += 4 + length;
                }

                return null;
            }

            case Put:
            {
                var (block, timeoutMs) = Body.ReadFlags(body);
                var item = Body.AfterFlags(body).ToArray();
                if (!block)
                {
                    return TryPut(item, TimeSpan.Zero);
                }

                return session.WaitInSlices(timeoutMs, slice => TryPut(item, slice).Status == Status.Ok) ? Reply.Ok : new Reply(Status.Full, Array.Empty<byte>());
            }

            case Get:
            {
                var (block, timeoutMs) = Body.ReadFlags(body);
                byte[]? item = null;
                if (!block)
                {
                    item = TryGet(TimeSpan.Zero);
                }
                else
                {
                    session.WaitInSlices(timeoutMs, slice => (item = TryGet(slice)) is not null);
                }

                return item is null ? new Reply(Status.Empty, Array.Empty<byte>()) : new Reply(Status.Ok, item);
            }

            case Size:
                return new Reply(Status.Ok, Body.Int(Items.QSize));
            case TaskDone:
                Items.TaskDone();
                return Reply.Ok;
            case Join:
            {
                var timeoutMs = Body.ReadInt(body);
                return Reply.Of(session.WaitInSlices(timeoutMs, slice => Items.Join(slice)));
            }

            default:
                throw new InvalidOperationException($"Unknown queue request {op}.");
        }
    }

    /// <summary>A consumer died before it received the item it took: the item goes back (at the tail) and does not count as a new task.</summary>
    public void Undeliverable(Session session, byte op, Reply reply)
    {
        if (op != Get || reply.Status != Status.Ok)
        {
            return;
        }

        try
        {
            Items.Put(reply.Body, block: false);
            Items.TaskDone();
        }
        catch (QueueFullException)
        {
            // a producer filled the place meanwhile; the item is lost, as it would be in CPython
        }
    }

    public void Disconnected(Session session, bool lastOfProcess)
    {
    }

    private Reply TryPut(byte[] item, TimeSpan timeout)
    {
        try
        {
            Items.Put(item, block: timeout > TimeSpan.Zero, timeout: timeout > TimeSpan.Zero ? timeout : null);
            return Reply.Ok;
        }
        catch (QueueFullException)
        {
            return new Reply(Status.Full, Array.Empty<byte>());
        }
    }

    private byte[]? TryGet(TimeSpan timeout)
    {
        try
        {
            return Items.Get(block: timeout > TimeSpan.Zero, timeout: timeout > TimeSpan.Zero ? timeout : null);
        }
        catch (QueueEmptyException)
        {
            return null;
        }
    }
}
