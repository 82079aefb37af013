using Concurrency.Runtime.Internal;
using Microsoft.Coyote.Runtime;
using ControlledMonitor = Microsoft.Coyote.Rewriting.Types.Threading.Monitor;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// Backs the runtime's blocking with Coyote's controlled Monitor. Coyote's binary rewriting would
/// swap System.Threading.Monitor for this type in the runtime assembly; calling the controlled type
/// directly gives the same control without a rewriting step in the build. Every call, and every
/// lock acquire/release (<see cref="Interleave"/>), is a scheduling point Coyote chooses at.
/// </summary>
internal sealed class CoyoteMonitor : ISyncMonitor
{
    public static readonly CoyoteMonitor Instance = new();

    // Spinning waits for another thread to run; under Coyote only one runs at a time, so never spin.
    public int SpinCount => 0;

    public void Enter(object gate) => ControlledMonitor.Enter(gate);

    public void Exit(object gate) => ControlledMonitor.Exit(gate);

    public bool Wait(object gate, int millisecondsTimeout) =>
        millisecondsTimeout < 0 ? ControlledMonitor.Wait(gate) : ControlledMonitor.Wait(gate, millisecondsTimeout);

    public void Pulse(object gate) => ControlledMonitor.Pulse(gate);

    public void PulseAll(object gate) => ControlledMonitor.PulseAll(gate);

    public void Interleave() => SchedulingPoint.Interleave();
}
