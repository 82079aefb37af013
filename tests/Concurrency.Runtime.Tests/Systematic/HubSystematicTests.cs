using System.Diagnostics;
using Concurrency.Runtime.Coroutines;
using Concurrency.Runtime.Internal;
using Microsoft.Coyote.Specifications;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;
using SendOrPostCallback = System.Threading.SendOrPostCallback;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// Systematic interleaving tests of the hub (Coyote drives every Enter/Wait/Pulse of its run queue
/// and of the greenlets' Join): posts from other threads against the loop's wait and timers, kills
/// and blocking joins from other threads. A lost wake-up shows as a deadlock (the hub waits forever
/// with work queued); a lost or duplicated item as a failed assertion.
/// </summary>
public class HubSystematicTests
{
    [Fact]
    public void Posts_from_two_threads_against_the_loops_wait_are_all_run_once_in_each_posters_order()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var queue = new HubRunQueue(CoyoteMonitor.Instance);
            var ran = new List<int>();
            SendOrPostCallback record = state => ran.Add((int)state!);
            var loop = ControlledTask.Run(() =>
            {
                var spare = new System.Collections.Generic.Queue<HubWorkItem>();
                while (ran.Count < 4)
                {
                    var batch = queue.Take(spare, -1);
                    while (batch.TryDequeue(out var item))
                    {
                        item.Callback(item.State);
                    }

                    spare = batch;
                }
            });
            var posters = Enumerable.Range(0, 2).Select(p => ControlledTask.Run(() =>
            {
                Specification.Assert(queue.Post(record, p * 10), "post refused");
                Specification.Assert(queue.Post(record, p * 10 + 1), "post refused");
            }));
            await ControlledTask.WhenAll(posters.Append(loop).ToArray());
            AssertRanOnceInOrder(ran);
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void The_whole_loop_runs_posts_from_other_threads_between_timers_and_ends_when_main_is_done()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            long now = 0;
            var loop = new HubLoop(TimeoutsElapse.Instance, () => now += Stopwatch.Frequency / 1000); // 1 ms a reading
            var ran = new List<int>();
            var allPosted = new TaskCompletionSource();
            var ticks = 0;
            SendOrPostCallback record = state =>
            {
                Specification.Assert(loop.IsCurrent, "a posted item ran off the hub thread");
                ran.Add((int)state!);
                if (ran.Count == 4)
                {
                    allPosted.SetResult();
                }
            };
            var main = new HubGreenlet(loop, async () =>
            {
                var ticker = Hub.Spawn(async () =>
                {
                    for (var i = 0; i < 3; i++)
                    {
                        await Hub.Sleep(TimeSpan.FromMilliseconds(2));
                        ticks++;
                    }
                });
                await allPosted.Task;
                await Hub.JoinAll(ticker);
            });
            var hub = ControlledTask.Run(() => loop.Run(main));
            var posters = Enumerable.Range(0, 2).Select(p => ControlledTask.Run(() =>
            {
                loop.Post(record, p * 10);
                loop.Post(record, p * 10 + 1);
            }));
            await ControlledTask.WhenAll(posters.Append(hub).ToArray());
            Specification.Assert(main.Dead && main.Exception is null, $"main: {main}");
            Specification.Assert(ticks == 3, $"ticks {ticks}");
            AssertRanOnceInOrder(ran);
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void A_kill_and_a_blocking_join_from_other_threads_never_get_lost()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            long now = 0;
            var loop = new HubLoop(TimeoutsElapse.Instance, () => now += Stopwatch.Frequency / 1000);
            var started = false;
            var finallyRan = false;
            var main = new HubGreenlet(loop, async () =>
            {
                started = true;
                try
                {
                    await Hub.Sleep(TimeSpan.FromHours(1));
                }
                finally
                {
                    finallyRan = true;
                }
            });
            var hub = ControlledTask.Run(() => loop.Run(main));
            var killer = ControlledTask.Run(() => main.Kill());
            var joined = false;
            var joiner = ControlledTask.Run(() => joined = main.Join());
            await ControlledTask.WhenAll(hub, killer, joiner);
            Specification.Assert(joined && main.Dead && main.Killed, $"joined {joined}, main {main}");
            Specification.Assert(finallyRan == started, "a started greenlet was killed without running its finally");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void A_broken_run_queue_that_checks_for_work_outside_its_gate_is_caught_by_the_exploration()
    {
        var (bugs, report, _) = Exploration.Run(async () =>
        {
            var queue = new BrokenHubQueue();
            var ran = new List<int>();
            SendOrPostCallback record = state => ran.Add((int)state!);
            var loop = ControlledTask.Run(() =>
            {
                var spare = new System.Collections.Generic.Queue<HubWorkItem>();
                while (ran.Count < 2)
                {
                    var batch = queue.Take(spare);
                    while (batch.TryDequeue(out var item))
                    {
                        item.Callback(item.State);
                    }

                    spare = batch;
                }
            });
            var poster = ControlledTask.Run(() =>
            {
                queue.Post(record, 0);
                queue.Post(record, 1);
            });
            await ControlledTask.WhenAll(poster, loop);
        });
        Assert.True(bugs > 0, "Coyote should find the lost wake-up in BrokenHubQueue");
        Assert.Contains("Deadlock", report);
    }

    private static void AssertRanOnceInOrder(List<int> ran)
    {
        Specification.Assert(ran.Order().SequenceEqual(new[] { 0, 1, 10, 11 }), $"ran {string.Join(",", ran)}");
        Specification.Assert(ran.Where(i => i < 10).SequenceEqual(new[] { 0, 1 }), "poster 0's items out of order");
        Specification.Assert(ran.Where(i => i >= 10).SequenceEqual(new[] { 10, 11 }), "poster 1's items out of order");
    }
}

/// <summary>
/// Coyote's controlled Monitor.Wait(timeout) only ends on a pulse, so a hub waiting for its next timer
/// would look deadlocked. Here a timed wait is what the real one may always be: it releases the gate,
/// lets any other operation run (a scheduling point), and "times out" (returns false). The loop's
/// clock in these tests advances on every reading, so its timers come due after a few turns; waits
/// without a timeout stay real, so a lost wake-up is still a deadlock.
/// </summary>
internal sealed class TimeoutsElapse : ISyncMonitor
{
    public static readonly TimeoutsElapse Instance = new();

    public int SpinCount => 0;

    public void Enter(object gate) => CoyoteMonitor.Instance.Enter(gate);

    public void Exit(object gate) => CoyoteMonitor.Instance.Exit(gate);

    public bool Wait(object gate, int millisecondsTimeout)
    {
        if (millisecondsTimeout < 0)
        {
            return CoyoteMonitor.Instance.Wait(gate, -1);
        }

        CoyoteMonitor.Instance.Exit(gate);
        CoyoteMonitor.Instance.Interleave();
        CoyoteMonitor.Instance.Enter(gate);
        return false;
    }

    public void Pulse(object gate) => CoyoteMonitor.Instance.Pulse(gate);

    public void PulseAll(object gate) => CoyoteMonitor.Instance.PulseAll(gate);

    public void Interleave() => CoyoteMonitor.Instance.Interleave();
}
