namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// A deliberately broken greenlet-style hand-off, kept to show that the systematic tests find real
/// bugs: the waker pulses the gate without leaving a flag, and the waiter waits without checking one,
/// so a pulse sent before the other side has started waiting is lost and both sides wait forever.
/// Greenlet's own hand-off sets <c>_signaled</c> under the gate and waits only while it is false.
/// </summary>
internal sealed class BrokenHandOff
{
    private readonly object _gate = new();

    /// <summary>Wakes the other side, then waits for it to wake this side (strict alternation, intended).</summary>
    public void SwitchToOther()
    {
        var monitor = CoyoteMonitor.Instance;
        monitor.Enter(_gate);
        try
        {
            monitor.Pulse(_gate); // BUG: no flag: if the other side is not waiting yet, this wake-up is lost
            monitor.Wait(_gate, -1);
        }
        finally
        {
            monitor.Exit(_gate);
        }
    }

    /// <summary>Wakes the other side and returns (the last switch of a finishing greenlet).</summary>
    public void Finish()
    {
        var monitor = CoyoteMonitor.Instance;
        monitor.Enter(_gate);
        monitor.Pulse(_gate);
        monitor.Exit(_gate);
    }

    /// <summary>The first wait of a side that has just been started (BUG: it may have been pulsed already).</summary>
    public void WaitForTurn()
    {
        var monitor = CoyoteMonitor.Instance;
        monitor.Enter(_gate);
        try
        {
            monitor.Wait(_gate, -1);
        }
        finally
        {
            monitor.Exit(_gate);
        }
    }
}
