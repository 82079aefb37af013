namespace Concurrency.Runtime.Tests.Systematic;

// Inside the namespace, so Queue<T> means the course's queue, not the implicitly imported BCL one.
using Concurrency.Runtime.Queues;
using Microsoft.Coyote.Specifications;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;

/// <summary>
/// Systematic interleaving tests: Coyote drives every scheduling point of the queue's Lock and
/// Condition waits, exploring 1,000 different interleavings per test, and reports any deadlock
/// (every task blocked) or failed assertion as a bug.
/// </summary>
public class QueueSystematicTests
{
    [Fact]
    public void Blocking_put_and_get_on_a_one_slot_queue_never_lose_duplicate_or_deadlock()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var q = new Queue<int>(1, CoyoteMonitor.Instance);
            var received = new List<int>[2] { new(), new() };
            var producers = Enumerable.Range(0, 2).Select(p => ControlledTask.Run(() =>
            {
                q.Put(p * 10);
                q.Put(p * 10 + 1);
            }));
            var consumers = Enumerable.Range(0, 2).Select(c => ControlledTask.Run(() =>
            {
                received[c].Add(q.Get());
                received[c].Add(q.Get());
            }));
            await ControlledTask.WhenAll(producers.Concat(consumers).ToArray());

            var all = received[0].Concat(received[1]).Order().ToArray();
            Specification.Assert(all.SequenceEqual(new[] { 0, 1, 10, 11 }), $"received {string.Join(",", all)}");
            foreach (var list in received)
            {
                // Each producer's items stay in order for any one consumer.
                Specification.Assert(list.Where(i => i < 10).SequenceEqual(list.Where(i => i < 10).Order()), "FIFO order broken");
                Specification.Assert(list.Where(i => i >= 10).SequenceEqual(list.Where(i => i >= 10).Order()), "FIFO order broken");
            }
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void Join_returns_only_after_every_TaskDone_and_shutdown_wakes_blocked_getters()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var q = new Queue<int>(0, CoyoteMonitor.Instance);
            var done = 0;
            var consumer = ControlledTask.Run(() =>
            {
                try
                {
                    while (true)
                    {
                        q.Get();
                        Interlocked.Increment(ref done);
                        q.TaskDone();
                    }
                }
                catch (QueueShutDownException)
                {
                }
            });
            var producer = ControlledTask.Run(() =>
            {
                q.Put(1);
                q.Put(2);
                q.Join();
                Specification.Assert(Volatile.Read(ref done) == 2, "Join returned before both tasks were done");
                q.Shutdown();
            });
            await ControlledTask.WhenAll(consumer, producer);
            Specification.Assert(q.Empty, "items left behind");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void A_broken_queue_variant_is_caught_by_the_exploration()
    {
        var (bugs, report, _) = Exploration.Run(async () =>
        {
            var q = new BrokenQueue(capacity: 1);
            var producers = Enumerable.Range(0, 2).Select(p => ControlledTask.Run(() =>
            {
                q.Put(p);
                q.Put(p);
            }));
            var consumers = Enumerable.Range(0, 2).Select(_ => ControlledTask.Run(() =>
            {
                q.Get();
                q.Get();
            }));
            await ControlledTask.WhenAll(producers.Concat(consumers).ToArray());
        });
        Assert.True(bugs > 0, "Coyote should find the lost wake-up in BrokenQueue");
        Assert.Contains("Deadlock", report);
    }
}
