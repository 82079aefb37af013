using SysMonitor = System.Threading.Monitor;

namespace Concurrency.Runtime.Internal;

/// <summary>
/// The one place where the primitives block, wake each other and spin. Production code uses
/// <see cref="SystemMonitor"/>; systematic tests (Coyote) swap in an implementation whose every
/// call is a scheduling point the test engine controls, so Lock, Condition and the queues can be
/// explored interleaving by interleaving without rewriting the assembly.
/// </summary>
internal interface ISyncMonitor
{
    /// <summary>How many times a waiter may spin before it blocks; 0 when a scheduler owns the interleaving.</summary>
    int SpinCount { get; }

    void Enter(object gate);

    void Exit(object gate);

    /// <summary>Releases <paramref name="gate"/>, waits for a pulse or the timeout (-1 = forever), re-enters.</summary>
    bool Wait(object gate, int millisecondsTimeout);

    void Pulse(object gate);

    void PulseAll(object gate);

    /// <summary>A point where another thread may run; a no-op outside systematic testing.</summary>
    void Interleave();
}

/// <summary><see cref="ISyncMonitor"/> over <see cref="System.Threading.Monitor"/>.</summary>
internal sealed class SystemMonitor : ISyncMonitor
{
    internal static readonly SystemMonitor Instance = new();

    private SystemMonitor()
    {
        // Spinning only pays off when the thread we wait for can run at the same time.
        SpinCount = Environment.ProcessorCount > 1 ? 20 : 0;
    }

    public int SpinCount { get; }

    public void Enter(object gate) => SysMonitor.Enter(gate);

    public void Exit(object gate) => SysMonitor.Exit(gate);

    public bool Wait(object gate, int millisecondsTimeout) => SysMonitor.Wait(gate, millisecondsTimeout);

    public void Pulse(object gate) => SysMonitor.Pulse(gate);

    public void PulseAll(object gate) => SysMonitor.PulseAll(gate);

    public void Interleave()
    {
    }
}
