using Concurrency.Runtime.Futures;
using FuturesApi = Concurrency.Runtime.Futures.Futures;

namespace Concurrency.Runtime.Tests.Futures;

[Trait("Category", "Stress")]
public class ThreadPoolStressTests
{
    [Fact]
    public void A_million_tiny_tasks_each_run_and_return_exactly_once()
    {
        const int tasks = 1_000_000;
        var runs = new int[tasks];
        var futures = new Future<int>[tasks];
        using (var pool = new ThreadPoolExecutor(maxWorkers: 4))
        {
            for (var i = 0; i < tasks; i++)
            {
                futures[i] = pool.Submit((int x) => { Interlocked.Increment(ref runs[x]); return x; }, i);
            }

            for (var i = 0; i < tasks; i++)
            {
                Assert.Equal(i, futures[i].Result(Timing.Patience));
            }

            Assert.True(pool.ThreadCount <= 4);
        }

        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Many_submitters_cancellers_and_waiters_at_once_lose_nothing()
    {
        const int perSubmitter = 20_000;
        using var pool = new ThreadPoolExecutor(maxWorkers: 3);
        var submitted = new System.Collections.Concurrent.ConcurrentBag<Future<int>>();
        var ran = 0;
        var submitters = Enumerable.Range(0, 3).Select(_ => new System.Threading.Thread(() =>
        {
            for (var i = 0; i < perSubmitter; i++)
            {
                var f = pool.Submit(() => Interlocked.Increment(ref ran));
                submitted.Add(f);
                if (i % 7 == 0)
                {
                    f.Cancel();
                }
            }
        })).ToList();
        submitters.ForEach(t => t.Start());
        submitters.ForEach(t => t.Join());
        var (done, notDone) = FuturesApi.Wait(submitted, Timing.Patience);
        Assert.Empty(notDone);
        Assert.Equal(3 * perSubmitter, done.Count);
        Assert.Equal(done.Count(f => !f.Cancelled), Volatile.Read(ref ran));
    }
}
