using Concurrency.Runtime.Coroutines;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.Specifications;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// Coyote explores Greenlet's hand-off: every switch's wake-up and park goes through the controlled
/// monitor, the greenlets' threads are controlled tasks, and 1,000 interleavings per test look for a
/// lost wake-up (deadlock), two greenlets of a group running at once, or a value delivered wrong.
/// </summary>
public class GreenletSystematicTests
{
    private static Greenlet NewGroup() =>
        Greenlet.NewGroupOnThisThread(CoyoteMonitor.Instance, (_, body) => ControlledTask.Run(body));

    [Fact]
    public void Ping_pong_hand_off_never_loses_a_wake_up_or_runs_two_greenlets_at_once()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            await ControlledTask.Run(() =>
            {
                NewGroup();
                var inside = 0;
                var log = new List<string>();
                Greenlet? ping = null;
                Greenlet? pong = null;
                object? Body(string name, Func<Greenlet> other, object? received)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        Specification.Assert(Interlocked.Increment(ref inside) == 1, "two greenlets of the group run at once");
                        log.Add($"{name}{i}:{received}");
                        SchedulingPoint.Interleave();
                        Interlocked.Decrement(ref inside);
                        received = other().Switch($"{name}{i}");
                    }

                    return name + " done";
                }

                ping = new Greenlet(x => Body("ping", () => pong!, x));
                pong = new Greenlet(x => Body("pong", () => ping, x));
                var result = ping.Switch("go");
                Specification.Assert(Equals(result, "ping done"), $"main got {result}");
                Specification.Assert(
                    string.Join(",", log) == "ping0:go,pong0:ping0,ping1:pong0,pong1:ping1,ping2:pong1,pong2:ping2",
                    string.Join(",", log));
                Specification.Assert(ping.Dead && !pong.Dead, "ping should be dead and pong suspended");
                Specification.Assert(Equals(pong.Switch("end"), "pong done"), "pong's result did not reach main");
                Specification.Assert(pong.Dead, "pong not dead");
            });
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void Exceptions_and_throw_travel_to_the_right_greenlet_in_every_interleaving()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            await ControlledTask.Run(() =>
            {
                var main = NewGroup();
                var failing = new Greenlet(_ =>
                {
                    main.Switch("suspended");
                    throw new FormatException("from run");
                });
                var killed = new Greenlet(_ =>
                {
                    try
                    {
                        return main.Switch("waiting");
                    }
                    finally
                    {
                        SchedulingPoint.Interleave();
                    }
                });
                Specification.Assert(Equals(failing.Switch(), "suspended"), "failing did not suspend");
                Specification.Assert(Equals(killed.Switch(), "waiting"), "killed did not suspend");
                var caught = false;
                try
                {
                    failing.Switch();
                }
                catch (FormatException)
                {
                    caught = true;
                }

                Specification.Assert(caught && failing.Dead, "run's exception did not reach the parent");
                Specification.Assert(killed.Throw() is GreenletExit && killed.Dead, "GreenletExit did not end the greenlet quietly");
            });
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void A_broken_hand_off_variant_is_caught_by_the_exploration()
    {
        var (bugs, report, _) = Exploration.Run(async () =>
        {
            var handOff = new BrokenHandOff();
            // "main" starts the other side, then switches to it; the other side waits for its turn.
            var other = ControlledTask.Run(() =>
            {
                handOff.WaitForTurn();
                handOff.Finish();
            });
            await ControlledTask.Run(handOff.SwitchToOther);
            await other;
        });
        Assert.True(bugs > 0, "Coyote should find the lost wake-up in BrokenHandOff");
        Assert.Contains("Deadlock", report);
    }
}
