using Concurrency.Runtime.Coroutines;
using Concurrency.Runtime.Internal;
using SendOrPostCallback = System.Threading.SendOrPostCallback;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// A deliberately broken copy of the hub's run queue, kept to show that the systematic tests find
/// real bugs. The loop checks for posted work BEFORE it takes the gate ("nothing there, so wait"),
/// and a post that lands between that check and the wait pulses nobody: the classic lost wake-up,
/// and the hub sleeps forever with work in its queue. Ordinary tests rarely hit the window; Coyote does.
/// </summary>
internal sealed class BrokenHubQueue
{
    private readonly ISyncMonitor _monitor = CoyoteMonitor.Instance;
    private readonly object _gate = new();
    private System.Collections.Generic.Queue<HubWorkItem> _incoming = new();
    private volatile int _count;
    private bool _waiting;

    public void Post(SendOrPostCallback callback, object? state)
    {
        _monitor.Interleave();
        _monitor.Enter(_gate);
        _incoming.Enqueue(new HubWorkItem(callback, state));
        _count++;
        if (_waiting)
        {
            _monitor.Pulse(_gate);
        }

        _monitor.Exit(_gate);
    }

    public System.Collections.Generic.Queue<HubWorkItem> Take(System.Collections.Generic.Queue<HubWorkItem> empty)
    {
        var nothingPosted = _count == 0; // BUG: checked outside the gate the posters take
        _monitor.Interleave();
        _monitor.Enter(_gate);
        if (nothingPosted)
        {
            _waiting = true;
            _monitor.Wait(_gate, -1);
            _waiting = false;
        }

        var taken = _incoming;
        _incoming = empty;
        _count = 0;
        _monitor.Exit(_gate);
        return taken;
    }
}
