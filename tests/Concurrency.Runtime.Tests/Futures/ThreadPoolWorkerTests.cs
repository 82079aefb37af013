using Concurrency.Runtime.Futures;
using RuntimeThread = Concurrency.Runtime.Threading.Thread;

namespace Concurrency.Runtime.Tests.Futures;

/// <summary>The pool's workers: the bound, reuse of idle ones, the initializer, Map's timeout and cancellation.</summary>
[Collection(GlobalStateCollection.Name)] // one test swaps Future.CallbackExceptionHook
public class ThreadPoolWorkerTests
{
    [Fact]
    public void No_more_than_maxWorkers_run_at_once_and_no_more_threads_are_started()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 3);
        var running = 0;
        var most = 0;
        var futures = Enumerable.Range(0, 40).Select(_ => pool.Submit(() =>
        {
            var now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen)
            {
            }

            System.Threading.Thread.Sleep(5);
            Interlocked.Decrement(ref running);
        })).ToList();
        futures.ForEach(f => f.Result(Timing.Patience));
        Assert.Equal(3, most); // 40 queued items of 5 ms keep all three busy
        Assert.Equal(3, pool.ThreadCount);
    }

    [Fact]
    public void An_idle_worker_is_reused_instead_of_starting_another()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 4);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(i * 2, pool.Submit((int x) => x * 2, i).Result(Timing.Patience));
            Assert.True(SpinWait.SpinUntil(() => pool.IdleCount == 1, Timing.Patience), "the worker should become idle");
        }

        Assert.Equal(1, pool.ThreadCount);
    }

    [Fact]
    public void No_thread_starts_before_the_first_submit()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 4, threadNamePrefix: "lazy");
        Assert.Equal(0, pool.ThreadCount);
        Assert.DoesNotContain(RuntimeThread.Enumerate(), t => t.Name.StartsWith("lazy_", StringComparison.Ordinal));
        pool.Submit(() => 1).Result(Timing.Patience);
        Assert.Equal(1, pool.ThreadCount);
    }

    [Fact]
    public void The_initializer_runs_once_on_each_worker_before_its_work()
    {
        var initialized = new System.Collections.Concurrent.ConcurrentBag<string>();
        var local = new ThreadLocal<bool>();
        using var pool = new ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "init", initializer: () =>
        {
            initialized.Add(RuntimeThread.CurrentThread.Name);
            local.Value = true;
        });
        using var release = new ManualResetEventSlim();
        var futures = Enumerable.Range(0, 2).Select(_ => pool.Submit(() => { release.Wait(); return local.Value; })).ToList();
        release.Set();
        Assert.All(futures, f => Assert.True(f.Result(Timing.Patience)));
        pool.Shutdown();
        Assert.Equal(new[] { "init_0", "init_1" }, initialized.Order());
    }

    [Fact]
    public void A_failing_initializer_breaks_the_pool()
    {
        var cause = new InvalidDataException("no config");
        var pool = new ThreadPoolExecutor(maxWorkers: 1, initializer: () => throw cause);
        var first = pool.Submit(() => 1);
        var broken = Assert.Throws<BrokenThreadPoolException>(() => first.Result(Timing.Patience));
        Assert.Same(cause, broken.InnerException);
        Assert.IsAssignableFrom<BrokenExecutorException>(broken);
        var later = Assert.Throws<BrokenThreadPoolException>(() => pool.Submit(() => 2));
        Assert.Same(cause, later.InnerException);
        Assert.Contains("broken", pool.ToString());
        pool.Shutdown(); // the dead worker is joined; nothing hangs
    }

    [Fact]
    public void A_failing_initializer_fails_every_queued_future()
    {
        using var gate = new ManualResetEventSlim();
        var pool = new ThreadPoolExecutor(maxWorkers: 1, initializer: () =>
        {
            gate.Wait();
            throw new InvalidDataException("late failure");
        });
        var futures = new List<Future<int>>();
        for (var i = 0; i < 5; i++)
        {
            futures.Add(pool.Submit(() => 0));
        }

        gate.Set();
        Assert.All(futures, f => Assert.IsType<BrokenThreadPoolException>(f.GetException(Timing.Patience)));
        pool.Shutdown();
    }

    [Fact]
    public void Map_times_out_over_the_whole_map()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var release = new ManualResetEventSlim();
        using var results = pool.Map((int x) => { if (x == 1) { release.Wait(); } return x; }, new[] { 0, 1, 2 }, TimeSpan.FromMilliseconds(100)).GetEnumerator();
        Assert.True(results.MoveNext());
        Assert.Equal(0, results.Current);
        var elapsed = Timing.Measure(() => Assert.Throws<TimeoutException>(() => results.MoveNext()));
        Assert.True(elapsed < Timing.Patience);
        release.Set();
    }

    [Fact]
    public void Leaving_a_Map_early_cancels_the_work_not_started()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var release = new ManualResetEventSlim();
        var ran = new System.Collections.Concurrent.ConcurrentBag<int>();
        foreach (var value in pool.Map((int x) => { ran.Add(x); if (x == 1) { release.Wait(Timing.Patience); } return x; }, Enumerable.Range(0, 10)))
        {
            Assert.Equal(0, value);
            break; // the enumerator is disposed here: items 2..9, still queued behind item 1, are cancelled
        }

        release.Set();
        pool.Shutdown();
        Assert.Subset(new HashSet<int> { 0, 1 }, ran.ToHashSet());
    }

    [Fact]
    public void Map_returns_before_the_results_are_ready()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        using var release = new ManualResetEventSlim();
        var elapsed = Timing.Measure(() => _ = pool.Map((int x) => { release.Wait(); return x; }, new[] { 1, 2, 3 }));
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"Map blocked for {elapsed}");
        release.Set();
    }

    [Fact]
    public void A_pool_dropped_without_shutdown_is_collected_and_its_workers_end()
    {
        var (prefix, weak) = StartAndDrop();
        var ended = SpinWait.SpinUntil(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return !weak.TryGetTarget(out _) && !RuntimeThread.Enumerate().Any(t => t.Name.StartsWith(prefix, StringComparison.Ordinal));
            },
            Timing.Patience);
        Assert.True(ended, "the dropped pool's worker should have ended");
    }

    [Fact]
    public void Map_with_a_chunksize_still_returns_every_result_in_order()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 3);
        Assert.Equal(Enumerable.Range(0, 25).Select(x => -x), pool.Map((int x) => -x, Enumerable.Range(0, 25), chunksize: 4));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (string Prefix, WeakReference<ThreadPoolExecutor> Pool) StartAndDrop()
    {
        var prefix = $"dropped{Guid.NewGuid():N}";
        var pool = new ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: prefix);
        Assert.Equal(1, pool.Submit(() => 1).Result(Timing.Patience));
        return (prefix, new WeakReference<ThreadPoolExecutor>(pool));
    }

    [Fact]
    public void Shutdown_called_by_a_worker_does_not_wait_for_itself()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 1);
        var f = pool.Submit(() => { pool.Shutdown(wait: true); return "shut"; });
        Assert.Equal("shut", f.Result(Timing.Patience));
        pool.Shutdown();
        Assert.Throws<InvalidOperationException>(() => pool.Submit(() => 1));
    }

    [Fact]
    public void A_throwing_callback_does_not_kill_the_worker()
    {
        var previous = Future.CallbackExceptionHook;
        var reported = 0;
        Future.CallbackExceptionHook = (_, _) => Interlocked.Increment(ref reported);
        try
        {
            using var pool = new ThreadPoolExecutor(maxWorkers: 1);
            using var release = new ManualResetEventSlim();
            var first = pool.Submit(() => release.Wait());
            first.AddDoneCallback(_ => throw new InvalidOperationException("callback"));
            release.Set();
            Assert.Equal(7, pool.Submit(() => 7).Result(Timing.Patience));
            Assert.Equal(1, pool.ThreadCount);
            Assert.Equal(1, Volatile.Read(ref reported));
        }
        finally
        {
            Future.CallbackExceptionHook = previous;
        }
    }
}
