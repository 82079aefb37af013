using Concurrency.Runtime.Futures;
using Concurrency.Runtime.Internal;
using Microsoft.Coyote.Specifications;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;
using FuturesApi = Concurrency.Runtime.Futures.Futures;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// Coyote explores the futures and the thread pool's work queue: every lock, condition wait and
/// wake-up of Future, Futures.Wait/AsCompleted and ThreadPoolExecutor is a scheduling point, and
/// 1,000 interleavings per test look for a deadlock, a lost or doubled outcome, or a callback run
/// twice or never.
/// </summary>
public class FutureSystematicTests
{
    [Fact]
    public void Set_cancel_wait_and_add_callback_racing_end_in_one_consistent_outcome()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var f = new Future<int>(CoyoteMonitor.Instance);
            var callbacks = 0;
            var cancelReturned = false;
            var got = -1;
            var sawCancel = false;
            var runner = ControlledTask.Run(() =>
            {
                if (f.SetRunningOrNotifyCancel())
                {
                    f.SetResult(7);
                }
            });
            var canceller = ControlledTask.Run(() => cancelReturned = f.Cancel());
            var waiter = ControlledTask.Run(() =>
            {
                try
                {
                    got = f.Result();
                }
                catch (FutureCancelledException)
                {
                    sawCancel = true;
                }
            });
            var adder = ControlledTask.Run(() => f.AddDoneCallback(_ => Interlocked.Increment(ref callbacks)));
            await ControlledTask.WhenAll(runner, canceller, waiter, adder);

            Specification.Assert(f.Done, "not done");
            Specification.Assert(Volatile.Read(ref callbacks) == 1, $"callback ran {callbacks} times");
            Specification.Assert(cancelReturned == f.Cancelled, "Cancel's answer disagrees with the final state");
            Specification.Assert(f.Cancelled ? sawCancel && got == -1 : got == 7 && !sawCancel, $"waiter saw {got}/{sawCancel}, cancelled {f.Cancelled}");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void Wait_and_AsCompleted_see_every_completion_racing_with_their_registration()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var a = new Future<int>(CoyoteMonitor.Instance);
            var b = new Future<int>(CoyoteMonitor.Instance);
            var completers = new[]
            {
                ControlledTask.Run(() => a.SetResult(1)),
                ControlledTask.Run(() => b.SetException(new InvalidOperationException("b"))),
            };
            var first = 0;
            var firstFailure = 0;
            var yielded = new List<int>();
            var waiters = new[]
            {
                ControlledTask.Run(() => first = FuturesApi.Wait(new[] { a, b }, returnWhen: ReturnWhen.FirstCompleted).Done.Count),
                ControlledTask.Run(() => firstFailure = FuturesApi.Wait(new[] { a, b }, returnWhen: ReturnWhen.FirstException).Done.Count),
                ControlledTask.Run(() => yielded.AddRange(FuturesApi.AsCompleted(new[] { a, b }).Select(f => f == a ? 1 : 2))),
            };
            await ControlledTask.WhenAll(completers.Concat(waiters).ToArray());
            var (done, notDone) = FuturesApi.Wait(new[] { a, b });

            Specification.Assert(first >= 1, "FirstCompleted returned with nothing done");
            Specification.Assert(firstFailure >= 1 && b.Done, "FirstException returned before the failure");
            Specification.Assert(yielded.Order().SequenceEqual(new[] { 1, 2 }), $"AsCompleted yielded {string.Join(",", yielded)}");
            Specification.Assert(done.Count == 2 && notDone.Count == 0, "AllCompleted missed one");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Submit_racing_shutdown_and_the_workers_never_loses_doubles_or_hangs(bool cancelFutures)
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var pool = new ThreadPoolExecutor(2, "coyote", null, CoyoteMonitor.Instance, ControlledWorker.Start);
            var futures = new List<(int Input, Future<int> Future)>();
            var runs = new int[3];
            var refused = 0;
            var submitter = ControlledTask.Run(() =>
            {
                for (var i = 0; i < 3; i++)
                {
                    var input = i;
                    try
                    {
                        futures.Add((input, pool.Submit(() => { Interlocked.Increment(ref runs[input]); return input * 10; })));
                    }
                    catch (InvalidOperationException)
                    {
                        refused++;
                    }
                }
            });
            var stopper = ControlledTask.Run(() => pool.Shutdown(wait: false, cancelFutures: cancelFutures));
            await ControlledTask.WhenAll(submitter, stopper);
            pool.Shutdown(wait: true); // joins both workers: a hang here is a deadlock Coyote reports

            Specification.Assert(futures.Count + refused == 3, "a submit neither returned nor threw");
            Specification.Assert(pool.ThreadCount <= 2, $"{pool.ThreadCount} workers");
            foreach (var (input, future) in futures)
            {
                Specification.Assert(future.Done, $"future {input} left pending after shutdown");
                Specification.Assert(cancelFutures || !future.Cancelled, "cancelled without cancelFutures");
                Specification.Assert(future.Cancelled ? runs[input] == 0 : runs[input] == 1 && future.Result() == input * 10, $"item {input} ran {runs[input]} times");
            }
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void Idle_workers_are_reused_and_the_bound_holds_in_every_interleaving()
    {
        var (bugs, report, iterations) = Exploration.Run(async () =>
        {
            var pool = new ThreadPoolExecutor(2, "coyote", null, CoyoteMonitor.Instance, ControlledWorker.Start);
            var sum = 0;
            var producer = ControlledTask.Run(() =>
            {
                var fs = Enumerable.Range(1, 4).Select(i => pool.Submit(() => i)).ToList();
                sum = fs.Sum(f => f.Result());
            });
            await producer;
            pool.Shutdown(wait: true);
            Specification.Assert(sum == 10, $"sum {sum}");
            Specification.Assert(pool.ThreadCount is >= 1 and <= 2, $"{pool.ThreadCount} workers for a bound of 2");
        });
        Assert.True(bugs == 0, report);
        Assert.Equal((int)Exploration.Iterations, iterations);
    }

    [Fact]
    public void A_broken_future_that_checks_before_it_waits_is_caught_by_the_exploration()
    {
        var (bugs, report, _) = Exploration.Run(async () =>
        {
            var f = new BrokenFuture();
            var waiter = ControlledTask.Run(f.Wait);
            var setter = ControlledTask.Run(f.Set);
            await ControlledTask.WhenAll(waiter, setter);
        });
        Assert.True(bugs > 0, "Coyote should find the lost wake-up in BrokenFuture");
        Assert.Contains("Deadlock", report);
    }

    [Fact]
    public void A_broken_pool_whose_workers_keep_the_wake_up_is_caught_by_the_exploration()
    {
        var (bugs, report, _) = Exploration.Run(async () =>
        {
            var pool = new BrokenPool(workers: 2);
            var submitter = ControlledTask.Run(() => pool.Submit(() => { }));
            await submitter;
            pool.Shutdown();
        });
        Assert.True(bugs > 0, "Coyote should find the shutdown hang in BrokenPool");
        Assert.Contains("Deadlock", report);
    }

    /// <summary>A pool worker as a Coyote-controlled task.</summary>
    private sealed class ControlledWorker : IPoolWorker
    {
        private readonly Task _task;

        private ControlledWorker(Task task)
        {
            _task = task;
        }

        public bool IsCurrentThread => false;

        public static IPoolWorker Start(string name, Action body) => new ControlledWorker(ControlledTask.Run(body));

        public void Join() => ControlledTask.Wait(_task);
    }
}
