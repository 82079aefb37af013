using System.Buffers.Binary;
using System.IO;
using System.Threading;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// CPython's queue feeder thread: in a process other than the creator, puts to an unbounded process
/// queue go into a local buffer, and one background thread per queue and process writes whatever has
/// gathered as one <see cref="QueueState.PutMany"/> frame, so a burst of puts costs a few socket writes
/// instead of one each. Items keep this process's order (one thread, one connection, served in order).
/// </summary>
/// <remarks>
/// <para><see cref="Sync"/> makes the creator hold everything buffered so far (the feeder ends its
/// frames with a round trip on its own connection); the queue calls it before any other operation
/// of this process on the queue, so a process always sees its own puts, and at process exit, so
/// nothing a process put is lost when it ends normally. A process killed by a signal loses what
/// was still buffered (as in CPython), never what the creator already holds.</para>
/// <para>If the creator is gone, the feeder stops, drops its buffer, and later puts throw its
/// <see cref="EndOfStreamException"/>.</para>
/// </remarks>
internal sealed class Feeder
{
    /// <summary>A frame carries at most about this many bytes of items; a bigger backlog goes as several frames.</summary>
    private const int MaxFrameBytes = 1 << 20;

    private static readonly List<Feeder> s_live = new(); // guarded by s_live
    private static bool s_exitHooked;                    // guarded by s_live

    private readonly object _gate = new();
    private readonly BrokerClient _client;
    private readonly string _kind;
    private List<byte[]> _pending = new();  // guarded by _gate
    private List<byte[]> _spare = new();    // feeder thread only
    private long _enqueued;                 // guarded by _gate: items handed to Put so far
    private long _stored;                   // guarded by _gate: items the creator is known to hold (or dropped after a failure)
    private long _syncWanted;               // guarded by _gate: a round trip is wanted once items up to this count are written
    private bool _feederIdle;               // guarded by _gate
    private EndOfStreamException? _failure; // guarded by _gate
    private Thread? _thread;                // guarded by _gate

    internal Feeder(BrokerClient client, string kind)
    {
        _client = client;
        _kind = kind;
    }

    /// <summary>Buffers one serialized item for the feeder thread (started on the first put).</summary>
    /// <exception cref="EndOfStreamException">The creator is gone (an earlier write failed).</exception>
    internal void Put(byte[] item)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new EndOfStreamException(_failure.Message, _failure);
            }

            _pending.Add(item);
            _enqueued++;
            if (_thread is null)
            {
                Start();
            }
            else if (_feederIdle)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>
    /// Waits until the creator holds every item this process put so far (one round trip by the
    /// feeder); returns at once if there is nothing new since the last sync.
    /// </summary>
    /// <exception cref="EndOfStreamException">The creator is gone.</exception>
    internal void Sync()
    {
        lock (_gate)
        {
            var target = _enqueued;
            if (_stored >= target)
            {
                ThrowIfFailed();
                return;
            }

            _syncWanted = Math.Max(_syncWanted, target);
            Monitor.PulseAll(_gate);
            while (_stored < target)
            {
                Monitor.Wait(_gate);
            }

            ThrowIfFailed();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new EndOfStreamException(_failure.Message, _failure);
        }
    }

    private void Start()
    {
        lock (s_live)
        {
            s_live.Add(this);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => SyncAllAtExit();
            }
        }

        _thread = new Thread(FeedLoop) { IsBackground = true, Name = $"mp {_kind} feeder" };
        _thread.Start();
    }

    /// <summary>At a normal exit (also <c>Environment.Exit</c> in a child's target), every feeder delivers what it holds, as CPython joins its feeder threads.</summary>
    private static void SyncAllAtExit()
    {
        Feeder[] live;
        lock (s_live)
        {
            live = s_live.ToArray();
        }

        foreach (var feeder in live)
        {
            try
            {
                feeder.Sync();
            }
            catch (EndOfStreamException)
            {
                // the creator is gone: nothing can be delivered
            }
        }
    }

    private void FeedLoop()
    {
        while (true)
        {
            List<byte[]> batch;
            long written;
            bool roundTrip;
            lock (_gate)
            {
                while (_pending.Count == 0 && _syncWanted <= _stored)
                {
                    _feederIdle = true;
                    Monitor.Wait(_gate);
                    _feederIdle = false;
                }

                batch = _pending;
                _pending = _spare;
                written = _enqueued;
                roundTrip = _syncWanted > _stored;
            }

            try
            {
                Write(batch);
                if (roundTrip)
                {
                    // served after the frames written before it on this connection: once it is
                    // answered, the creator holds every item written so far
                    _client.Call(QueueState.Size, ReadOnlySpan<byte>.Empty);
                }
            }
            catch (Exception e) when (e is EndOfStreamException or ObjectDisposedException)
            {
                lock (_gate)
                {
                    _failure = e as EndOfStreamException ?? new EndOfStreamException($"The {_kind} was closed in this process.", e);
                    _pending.Clear();
                    _stored = long.MaxValue;
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            batch.Clear();
            _spare = batch;
            lock (_gate)
            {
                if (roundTrip)
                {
                    _stored = written;
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Writes the items as frames of <c>[int32 count]([int32 length][bytes])*</c>, each with one send.</summary>
    private void Write(List<byte[]> batch)
    {
        var start = 0;
        while (start < batch.Count)
        {
            var end = start;
            var size = 4;
            while (end < batch.Count && (end == start || size + 4 + batch[end].Length <= MaxFrameBytes))
            {
                size += 4 + batch[end].Length;
                end++;
            }

            var body = new byte[size];
            BinaryPrimitives.WriteInt32LittleEndian(body, end - start);
            var at = 4;
            for (var i = start; i < end; i++)
            {
                var item = batch[i];
                BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(at), item.Length);
                item.CopyTo(body.AsSpan(at + 4));
                at += 4 + item.Length;
            }

            _client.Send(QueueState.PutMany, body);
            start = end;
        }
    }
}
