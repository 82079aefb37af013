namespace Concurrency.Runtime.Tests.Futures;

using Concurrency.Runtime.Futures;
using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.Tests.Multiprocessing;
using Process = Concurrency.Runtime.Multiprocessing.Process;

/// <summary>
/// ProcessPoolExecutor against CPython's test_concurrent_futures behaviour, with real worker
/// processes (started as the ChildHost program, see <see cref="ChildProcessFixture"/>).
/// </summary>
[Collection(ChildProcessCollection.Name)]
public sealed class ProcessPoolExecutorTests : IDisposable
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("pool-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Results_records_and_void_work_make_the_round_trip_through_a_worker_process()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 1);

        Assert.Equal(49, pool.Submit(PoolTargets.Square, 7).Result(Bounded));
        var tally = pool.Submit(PoolTargets.Count, new Parcel(1, "tea", 21)).Result(Bounded);
        Assert.Equal("TEA", tally.Item);
        Assert.Equal(42, tally.Doubled);
        Assert.NotEqual(Environment.ProcessId, tally.Pid);

        var nothing = pool.Submit(PoolTargets.Nothing);
        nothing.Result(Bounded);
        Assert.True(nothing.Done);
        Assert.Null(nothing.GetException());

        var lambda = pool.Submit(static (int n) => $"n={n * 3}", 5);
        Assert.Equal("n=15", lambda.Result(Bounded));
    }

    [Fact]
    public void Work_runs_in_at_most_maxWorkers_other_processes_which_are_reused()
    {
        var before = Process.SpawnedPids().Length;
        using var pool = new ProcessPoolExecutor(maxWorkers: 2);
        Assert.Equal(2, pool.MaxWorkers);
        Assert.Equal(Environment.ProcessorCount, new ProcessPoolExecutor().MaxWorkers);

        var futures = Enumerable.Range(0, 12).Select(_ => pool.Submit(PoolTargets.SleepThenPid, 30)).ToList();
        var pids = futures.Select(f => f.Result(Bounded)).ToList();

        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.InRange(pids.Distinct().Count(), 1, 2);
        Assert.True(pids.Distinct().Count() < pids.Count, "workers should be reused across tasks");
        Assert.InRange(Process.SpawnedPids().Length - before, 1, 2);
        Assert.All(pids.Distinct(), pid => Assert.Contains(pid, pool.WorkerPids));
    }

    [Fact]
    public void A_worker_is_replaced_after_maxTasksPerChild_tasks()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 1, maxTasksPerChild: 2);

        var pids = Enumerable.Range(0, 4).Select(_ => pool.Submit(PoolTargets.Pid)).ToList().Select(f => f.Result(Bounded)).ToList();

        Assert.Equal(2, pids.Distinct().Count());
        Assert.All(pids.GroupBy(p => p), g => Assert.Equal(2, g.Count()));
        Assert.Equal(pids.Distinct(), pids.Chunk(2).Select(pair => Assert.Single(pair.Distinct())));
    }

    [Fact]
    public void The_initializer_runs_once_in_each_worker_before_its_tasks()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 2, initializer: PoolTargets.Initialize);

        var marks = Enumerable.Range(0, 6).Select(i => pool.Submit(PoolTargets.Initialized, i)).ToList().Select(f => f.Result(Bounded)).ToList();

        Assert.All(marks, mark => Assert.Equal(mark[1], mark[0]));
        Assert.DoesNotContain(marks, mark => mark[0] == Environment.ProcessId);
        Assert.Equal(0, PoolTargets.Initialized(0)[0]); // never in the parent
    }

    [Fact]
    public void A_failing_initializer_breaks_the_pool_with_its_error_as_the_cause()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 1, initializer: PoolTargets.FailToInitialize);

        var future = pool.Submit(PoolTargets.Square, 3);

        var broken = Assert.Throws<BrokenProcessPoolException>(() => future.Result(Bounded));
        Assert.Contains("initializer failed", broken.Message);
        var cause = Assert.IsType<InvalidOperationException>(broken.InnerException);
        Assert.Equal("no database in this worker", cause.Message);
        Assert.True(pool.Broken);
        Assert.Throws<BrokenProcessPoolException>(() => pool.Submit(PoolTargets.Square, 4));
    }

    [Fact]
    public void An_exception_in_the_work_comes_back_as_its_type_with_the_childs_message_and_stack()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 1);

        var failing = pool.Submit(PoolTargets.Fail, "boom in the worker");
        var error = Assert.Throws<InvalidOperationException>(() => failing.Result(Bounded));
        Assert.Equal("boom in the worker", error.Message);
        Assert.Contains(nameof(PoolTargets.Fail), error.StackTrace);                 // the child's frames...
        Assert.Contains(nameof(An_exception_in_the_work_comes_back_as_its_type_with_the_childs_message_and_stack), error.StackTrace); // ...then the parent's
        var remote = Assert.IsType<ChildProcessException>(error.InnerException);
        Assert.Equal("System.InvalidOperationException", remote.ExceptionType);
        Assert.Equal("boom in the worker", remote.ChildMessage);
        Assert.Contains(nameof(PoolTargets.Fail), remote.ChildStackTrace);
        Assert.DoesNotContain($"pid {Environment.ProcessId})", remote.Message);
        Assert.Same(error, failing.GetException());

        var custom = Assert.Throws<PoolTestException>(() => pool.Submit(PoolTargets.FailWithCustom, "custom").Result(Bounded));
        Assert.Equal("custom", custom.Message);

        var odd = Assert.Throws<ChildProcessException>(() => pool.Submit(PoolTargets.FailWithOdd, 7).Result(Bounded));
        Assert.Equal(typeof(OddException).FullName, odd.ExceptionType);
        Assert.Equal("odd 7", odd.ChildMessage);
        Assert.Contains(nameof(PoolTargets.FailWithOdd), odd.StackTrace);

        var unsendable = Assert.Throws<ArgumentException>(() => pool.Submit(PoolTargets.MakeStream, 16).Result(Bounded));
        Assert.Contains("cannot be sent back to the parent process", unsendable.Message);

        // the worker survives its work's exceptions
        Assert.Equal(4, pool.Submit(PoolTargets.Square, 2).Result(Bounded));
    }

    [Fact]
    public void Callbacks_run_in_the_parent_process_on_the_managers_thread()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 1);
        using var called = new ManualResetEventSlim();
        int? callbackPid = null;
        string? callbackThread = null;
        var testThread = Environment.CurrentManagedThreadId;
        var callbackThreadId = 0;
        var future = pool.Submit(PoolTargets.SleepThenPid, 300);

        future.AddDoneCallback(f =>
        {
            callbackPid = Environment.ProcessId;
            callbackThread = Thread.CurrentThread.Name;
            callbackThreadId = Environment.CurrentManagedThreadId;
            called.Set();
        });

        Assert.True(called.Wait(Bounded));
        Assert.Equal(Environment.ProcessId, callbackPid);
        Assert.NotEqual(Environment.ProcessId, future.Result());
        Assert.NotEqual(testThread, callbackThreadId);
        Assert.Matches("^ProcessPoolExecutor-[0-9]+_manager$", callbackThread);
    }

    [Fact]
    public void A_worker_killed_with_SIGKILL_mid_task_fails_every_pending_future_with_BrokenProcessPoolException_and_the_pool_refuses_work()
    {
        var before = Process.SpawnedPids().Length;
        var marker = Path.Combine(_dir, "victim");
        using var pool = new ProcessPoolExecutor(maxWorkers: 2);
        var victim = pool.Submit(PoolTargets.ReportPidThenSleep, marker);
        var others = Enumerable.Range(0, 6).Select(_ => pool.Submit(PoolTargets.SleepThenPid, 20_000)).ToList();
        Assert.True(ProcessState.WaitUntil(() => File.Exists(marker), Bounded), "the work never started");
        var pid = int.Parse(File.ReadAllText(marker), System.Globalization.CultureInfo.InvariantCulture);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        System.Diagnostics.Process.GetProcessById(pid).Kill(); // SIGKILL
        var failures = others.Prepend(victim).Select(f => Assert.Throws<BrokenProcessPoolException>(() => f.Result(Bounded))).ToList();
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the futures failed only after {watch.Elapsed}");
        Assert.All(failures, e => Assert.Contains($"pid {pid}", e.Message));
        Assert.Contains("exit code 137 (signal 9)", failures[0].Message);
        Assert.True(pool.Broken);
        Assert.Throws<BrokenProcessPoolException>(() => pool.Submit(PoolTargets.Square, 1));
        pool.Shutdown(wait: true);
        Assert.All(Process.SpawnedPids().Skip(before), p => Assert.False(ProcessState.IsRunning(p), $"worker {p} survived the broken pool"));
    }

    [Fact]
    public void Shutdown_with_wait_leaves_no_worker_process_and_later_submits_are_refused()
    {
        var before = Process.SpawnedPids().Length;
        var pool = new ProcessPoolExecutor(maxWorkers: 2);
        var futures = Enumerable.Range(0, 8).Select(i => pool.Submit(PoolTargets.SleepThenPid, 50)).ToList();

        pool.Shutdown(wait: true);

        Assert.All(futures, f => Assert.True(f.Done)); // work already submitted still ran
        var spawned = Process.SpawnedPids().Skip(before).ToList();
        Assert.NotEmpty(spawned);
        Assert.All(spawned, pid => Assert.False(ProcessState.IsRunning(pid), $"worker {pid} still runs after Shutdown(wait: true)"));
        Assert.Empty(pool.WorkerPids);
        Assert.Throws<InvalidOperationException>(() => pool.Submit(PoolTargets.Square, 1));
        pool.Shutdown(); // again: harmless
        pool.Dispose();
    }

    [Fact]
    public void Shutdown_with_cancelFutures_cancels_the_work_not_yet_handed_to_a_worker()
    {
        var pool = new ProcessPoolExecutor(maxWorkers: 1);
        var first = pool.Submit(PoolTargets.SleepThenPid, 400);
        Assert.True(ProcessState.WaitUntil(() => first.Running, Bounded));
        var rest = Enumerable.Range(0, 6).Select(_ => pool.Submit(PoolTargets.SleepThenPid, 400)).ToList();

        var took = Timing.Measure(() => pool.Shutdown(wait: true, cancelFutures: true));

        Assert.NotEqual(Environment.ProcessId, first.Result());
        Assert.All(rest, f => Assert.True(f.Done));
        var cancelled = rest.Count(f => f.Cancelled);
        Assert.InRange(cancelled, rest.Count - ProcessPoolExecutor.ExtraQueuedCalls - 1, rest.Count); // those in the call queue are already running
        Assert.Throws<FutureCancelledException>(() => rest[^1].Result());
        Assert.True(took < TimeSpan.FromSeconds(5), $"shutdown took {took}");
    }

    [Fact]
    public void Map_yields_results_in_input_order_with_and_without_chunks()
    {
        using var pool = new ProcessPoolExecutor(maxWorkers: 2);

        Assert.Equal(Enumerable.Range(0, 30).Select(n => n * n), pool.Map(PoolTargets.Square, Enumerable.Range(0, 30)).ToList());
        Assert.Equal(Enumerable.Range(0, 100).Select(n => n * n), pool.Map(PoolTargets.Square, Enumerable.Range(0, 100), chunksize: 7).ToList());
        Assert.Empty(pool.Map(PoolTargets.Square, Array.Empty<int>(), chunksize: 3));

        var failing = pool.Map(PoolTargets.Fail, new[] { "a", "b" }, chunksize: 2).GetEnumerator();
        Assert.Equal("a", Assert.Throws<InvalidOperationException>(() => failing.MoveNext()).Message);

        var slow = pool.Map(PoolTargets.SleepThenPid, new[] { 800, 800, 800 }, timeout: TimeSpan.FromMilliseconds(200), chunksize: 2);
        Assert.Throws<TimeoutException>(() => slow.ToList());

        Assert.Equal("chunksize", Assert.Throws<ArgumentOutOfRangeException>(() => pool.Map(PoolTargets.Square, new[] { 1 }, chunksize: 0)).ParamName);
        pool.Shutdown(wait: true, cancelFutures: true);
    }

    [Fact]
    public void Bad_input_is_a_clear_ArgumentException_naming_the_argument_and_nothing_is_spawned()
    {
        var before = Process.SpawnedPids().Length;
        var captured = 5;
        using var pool = new ProcessPoolExecutor(maxWorkers: 2);

        var capturing = Assert.Throws<ArgumentException>(() => pool.Submit(() => captured * 2));
        Assert.Equal("fn", capturing.ParamName);
        Assert.Contains("captures variables (", capturing.Message);
        Assert.Contains("captured", capturing.Message.Split('(')[1]);

        var instance = Assert.Throws<ArgumentException>(() => pool.Submit(new List<int>().GetHashCode));
        Assert.Equal("fn", instance.ParamName);
        Assert.Contains("instance method", instance.Message);

        var stream = Assert.Throws<ArgumentException>(() => pool.Submit(PoolTargets.Consume, new MemoryStream()));
        Assert.Equal("arg", stream.ParamName);
        Assert.Contains("cannot be sent to a child process", stream.Message);

        var code = Assert.Throws<ArgumentException>(() => pool.Submit(PoolTargets.Consume, (object)(Func<int>)(() => 1)));
        Assert.Equal("arg", code.ParamName);

        var result = Assert.Throws<ArgumentException>(() => pool.Submit(PoolTargets.ReturnsCode));
        Assert.Equal("fn", result.ParamName);
        Assert.Contains("cannot be sent back", result.Message);

        Assert.Equal("arg", Assert.Throws<ArgumentException>(() => pool.Map(PoolTargets.Consume, new object[] { 1, new MemoryStream() }, chunksize: 2)).ParamName);
        Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => pool.Submit((Func<int>)null!)).ParamName);

        Assert.Equal("maxWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(maxWorkers: 0)).ParamName);
        Assert.Equal("maxWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(maxWorkers: -1)).ParamName);
        Assert.Equal("maxTasksPerChild", Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(maxTasksPerChild: 0)).ParamName);
        Assert.Equal("maxTasksPerChild", Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(maxTasksPerChild: -3)).ParamName);
        var initializer = Assert.Throws<ArgumentException>(() => new ProcessPoolExecutor(initializer: () => captured++));
        Assert.Equal("initializer", initializer.ParamName);

        Assert.Empty(pool.WorkerPids);
        Assert.Equal(before, Process.SpawnedPids().Length);
    }
}
