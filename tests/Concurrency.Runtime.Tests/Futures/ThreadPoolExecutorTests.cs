using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Concurrency.Runtime.Futures;
using RuntimeThread = Concurrency.Runtime.Threading.Thread;

namespace Concurrency.Runtime.Tests.Futures;

/// <summary>CPython test_concurrent_futures' ThreadPoolExecutor tests: submit, map, shutdown, workers.</summary>
public class ThreadPoolExecutorTests
{
    [Fact]
    public void Submit_runs_the_work_and_returns_its_result()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        var square = pool.Submit((int x) => x * x, 8);
        var answer = pool.Submit(() => 42);
        var ran = false;
        var action = pool.Submit(() => { ran = true; });
        Assert.Equal(64, square.Result(Timing.Patience));
        Assert.Equal(42, answer.Result(Timing.Patience));
        action.Result(Timing.Patience);
        Assert.True(ran);
    }

    [Fact]
    public void The_work_exception_comes_back_with_its_stack()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        var f = pool.Submit(Fail);
        var e = Assert.Throws<InvalidProgramException>(() => f.Result(Timing.Patience));
        Assert.Contains(nameof(Fail), e.StackTrace);
        Assert.Same(e, f.GetException());
    }

    [Fact]
    public void Callbacks_run_on_the_worker_that_finished_the_work()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: "cb");
        using var release = new ManualResetEventSlim();
        var worker = pool.Submit(() => { release.Wait(); return RuntimeThread.CurrentThread.Name; });
        string? callbackThread = null;
        using var called = new ManualResetEventSlim();
        worker.AddDoneCallback(_ =>
        {
            callbackThread = RuntimeThread.CurrentThread.Name;
            called.Set();
        });
        release.Set();
        Assert.True(called.Wait(Timing.Patience));
        Assert.Equal("cb_0", worker.Result());
        Assert.Equal("cb_0", callbackThread);
    }

    [Fact]
    public void Workers_are_named_from_the_prefix_or_the_pool_counter()
    {
        using (var named = new ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: "io"))
        {
            Assert.Equal("io_0", named.Submit(() => RuntimeThread.CurrentThread.Name).Result(Timing.Patience));
        }

        using var unnamed = new ThreadPoolExecutor(maxWorkers: 1);
        Assert.Matches(@"^ThreadPoolExecutor-\d+_0$", unnamed.Submit(() => RuntimeThread.CurrentThread.Name).Result(Timing.Patience));
        Assert.True(unnamed.Submit(() => RuntimeThread.CurrentThread.Daemon).Result(Timing.Patience));
    }

    [Fact]
    public void Cancel_fails_on_running_work_and_succeeds_on_queued_work()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = pool.Submit(() => { started.Set(); release.Wait(); return 1; });
        var queued = pool.Submit(() => 2);
        Assert.True(started.Wait(Timing.Patience));
        Assert.True(running.Running);
        Assert.False(running.Cancel());
        Assert.True(queued.Cancel());
        release.Set();
        Assert.Equal(1, running.Result(Timing.Patience));
        Assert.Throws<FutureCancelledException>(() => queued.Result());
    }

    [Fact]
    public void Submit_after_shutdown_throws_and_shutdown_twice_is_fine()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 2);
        Assert.Equal(1, pool.Submit(() => 1).Result(Timing.Patience));
        pool.Shutdown();
        pool.Shutdown();
        pool.Dispose();
        Assert.Throws<InvalidOperationException>(() => pool.Submit(() => 1));
        Assert.Throws<InvalidOperationException>(() => pool.Submit(() => { }));
        Assert.Throws<InvalidOperationException>(() => pool.Map((int x) => x, new[] { 1 }));
    }

    [Fact]
    public void Shutdown_with_wait_runs_every_queued_item_first()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 2);
        var count = 0;
        var futures = Enumerable.Range(0, 50).Select(_ => pool.Submit(() => { System.Threading.Thread.Sleep(1); Interlocked.Increment(ref count); })).ToList();
        pool.Shutdown(wait: true);
        Assert.Equal(50, count);
        Assert.All(futures, f => Assert.True(f.Done && !f.Cancelled));
    }

    [Fact]
    public void Shutdown_with_cancelFutures_cancels_only_the_queued_work()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = pool.Submit(() => { started.Set(); release.Wait(); return "ran"; });
        Assert.True(started.Wait(Timing.Patience));
        var queued = Enumerable.Range(0, 10).Select(i => pool.Submit(() => i)).ToList();
        pool.Shutdown(wait: false, cancelFutures: true);
        Assert.All(queued, f => Assert.True(f.Cancelled));
        release.Set();
        Assert.Equal("ran", running.Result(Timing.Patience));
        pool.Shutdown(wait: true);
    }

    [Fact]
    public void Shutdown_without_wait_returns_while_work_still_runs()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var release = new ManualResetEventSlim();
        var f = pool.Submit(() => { release.Wait(); return 3; });
        pool.Shutdown(wait: false);
        Assert.False(f.Done);
        release.Set();
        Assert.Equal(3, f.Result(Timing.Patience));
        pool.Shutdown(wait: true);
    }

    [Fact]
    public void Map_returns_results_in_input_order()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 4);
        var results = pool.Map((int x) => { System.Threading.Thread.Sleep((10 - x) % 3); return x * 10; }, Enumerable.Range(0, 10)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(x => x * 10), results);
    }

    [Fact]
    public void Map_submits_eagerly_and_yields_lazily()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        var calls = 0;
        var results = pool.Map((int x) => { Interlocked.Increment(ref calls); return x; }, new[] { 1, 2, 3 });
        pool.Shutdown(wait: true); // the work was submitted by Map itself: it all runs
        Assert.Equal(3, calls);
        Assert.Equal(new[] { 1, 2, 3 }, results);
    }

    [Fact]
    public void Map_rethrows_the_failing_item_exception_when_reaching_it()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        using var e = pool.Map((int x) => x == 2 ? throw new ArgumentException("two") : x, new[] { 1, 2, 3 }).GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal(1, e.Current);
        Assert.Equal("two", Assert.Throws<ArgumentException>(() => e.MoveNext()).Message);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_them_and_start_nothing()
    {
        Assert.Equal("maxWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadPoolExecutor(maxWorkers: 0)).ParamName);
        Assert.Equal("maxWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadPoolExecutor(maxWorkers: -1)).ParamName);
        using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => pool.Submit((Func<int>)null!)).ParamName);
        Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => pool.Submit((Func<int, int>)null!, 1)).ParamName);
        Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => pool.Submit((Action)null!)).ParamName);
        Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => pool.Map((Func<int, int>)null!, new[] { 1 })).ParamName);
        Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => pool.Map((int x) => x, null!)).ParamName);
        Assert.Equal("chunksize", Assert.Throws<ArgumentOutOfRangeException>(() => pool.Map((int x) => x, new[] { 1 }, chunksize: 0)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => pool.Map((int x) => x, new[] { 1 }, TimeSpan.FromSeconds(-2))).ParamName);
        Assert.Equal(0, pool.ThreadCount);
    }

    [Fact]
    public void The_default_bound_is_CPythons()
    {
        using var pool = new ThreadPoolExecutor();
        Assert.Equal(Math.Min(32, Environment.ProcessorCount + 4), pool.MaxWorkers);
        Assert.Equal(3, new ThreadPoolExecutor(3).MaxWorkers);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Fail() => throw new InvalidProgramException("failed in the worker");
}
