using Concurrency.Runtime.Internal;
using SendOrPostCallback = System.Threading.SendOrPostCallback;

namespace Concurrency.Runtime.Coroutines;

/// <summary>One ready piece of hub work: a callback and its state (no closure, no allocation beyond the queue slot).</summary>
internal readonly struct HubWorkItem
{
    internal HubWorkItem(SendOrPostCallback callback, object? state)
    {
        Callback = callback;
        State = state;
    }

    internal SendOrPostCallback Callback { get; }

    internal object? State { get; }
}

/// <summary>
/// The hub's run queue: any thread posts (IO completions arrive on thread-pool threads), only the
/// hub's thread takes. The loop takes everything posted so far in one swap, FIFO, or — when nothing
/// is ready — waits for a post or for its next timer, through <see cref="ISyncMonitor"/> so the
/// systematic tests can explore every interleaving of posts against the wait.
/// </summary>
internal sealed class HubRunQueue
{
    private readonly ISyncMonitor _monitor;
    private readonly object _gate = new();
    private System.Collections.Generic.Queue<HubWorkItem> _incoming = new(); // guarded by _gate
    private bool _waiting; // the loop is in Wait (or about to be): a post must pulse; guarded by _gate
    private bool _closed;  // guarded by _gate

    internal HubRunQueue(ISyncMonitor monitor)
    {
        _monitor = monitor;
    }

    /// <summary>Appends a work item and wakes the loop if it waits; false (nothing queued) once <see cref="Close"/> was called.</summary>
    internal bool Post(SendOrPostCallback callback, object? state)
    {
        _monitor.Interleave();
        _monitor.Enter(_gate);
        try
        {
            if (_closed)
            {
                return false;
            }

            _incoming.Enqueue(new HubWorkItem(callback, state));
            if (_waiting)
            {
                _monitor.Pulse(_gate); // one waiter only: the hub's loop
            }

            return true;
        }
        finally
        {
            _monitor.Exit(_gate);
        }
    }

    /// <summary>
    /// Hub thread only: hands over everything posted so far and takes <paramref name="empty"/> as the
    /// new incoming queue. When nothing is posted, first waits up to <paramref name="millisecondsTimeout"/>
    /// (-1 = until a post, 0 = not at all) for one; a wake-up may be early, the caller re-checks its timers.
    /// </summary>
    internal System.Collections.Generic.Queue<HubWorkItem> Take(System.Collections.Generic.Queue<HubWorkItem> empty, int millisecondsTimeout)
    {
        _monitor.Interleave();
        _monitor.Enter(_gate);
        try
        {
            if (_incoming.Count == 0 && millisecondsTimeout != 0 && !_closed)
            {
                // Checked and waited for under the same gate a post takes: no post can slip in between.
                _waiting = true;
                try
                {
                    _monitor.Wait(_gate, millisecondsTimeout);
                }
                finally
                {
                    _waiting = false;
                }
            }

            var taken = _incoming;
            _incoming = empty;
            return taken;
        }
        finally
        {
            _monitor.Exit(_gate);
        }
    }

    /// <summary>Refuses every later post and returns what was still queued.</summary>
    internal System.Collections.Generic.Queue<HubWorkItem> Close()
    {
        _monitor.Interleave();
        _monitor.Enter(_gate);
        try
        {
            _closed = true;
            var left = _incoming;
            _incoming = new System.Collections.Generic.Queue<HubWorkItem>(0);
            return left;
        }
        finally
        {
            _monitor.Exit(_gate);
        }
    }
}
