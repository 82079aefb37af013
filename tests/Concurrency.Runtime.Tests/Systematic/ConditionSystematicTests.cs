using Concurrency.Runtime.Threading;
using Microsoft.Coyote.Specifications;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Tests.Systematic;

public class ConditionSystematicTests
{
    [Fact]
    public void Two_conditions_over_one_lock_hand_off_every_item_without_deadlock()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var gate = new Lock("buffer", CoyoteMonitor.Instance, checkOrder: false);
            var notEmpty = new Condition(gate);
            var notFull = new Condition(gate);
            var slot = new System.Collections.Generic.Queue<int>();
            var sum = 0;
            var producers = Enumerable.Range(1, 2).Select(p => ControlledTask.Run(() =>
            {
                for (var i = 0; i < 2; i++)
                {
                    using (gate.Hold())
                    {
                        notFull.WaitFor(() => slot.Count == 0);
                        slot.Enqueue(p);
                        notEmpty.Notify();
                    }
                }
            }));
            var consumers = Enumerable.Range(0, 2).Select(_ => ControlledTask.Run(() =>
            {
                for (var i = 0; i < 2; i++)
                {
                    using (gate.Hold())
                    {
                        while (slot.Count == 0)
                        {
                            notEmpty.Wait();
                        }

                        sum += slot.Dequeue();
                        notFull.Notify();
                    }
                }
            }));
            await ControlledTask.WhenAll(producers.Concat(consumers).ToArray());
            Specification.Assert(sum == 6, $"sum {sum}");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void RLock_condition_restores_the_recursion_level_and_notify_all_wakes_everyone()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var gate = new RLock("re", CoyoteMonitor.Instance);
            var cond = new Condition(gate);
            var open = false;
            var waiters = Enumerable.Range(0, 3).Select(_ => ControlledTask.Run(() =>
            {
                using (gate.Hold())
                using (gate.Hold())
                {
                    cond.WaitFor(() => open);
                    Specification.Assert(gate.Count == 2, "recursion level not restored");
                }
            }));
            var opener = ControlledTask.Run(() =>
            {
                using (cond.Hold())
                {
                    open = true;
                    cond.NotifyAll();
                }
            });
            await ControlledTask.WhenAll(waiters.Append(opener).ToArray());
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }
}
