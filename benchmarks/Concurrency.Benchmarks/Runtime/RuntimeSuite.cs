using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Runtime;

// Inside the namespace so the course's Queue<T> and Lock win over the implicitly imported BCL names.
using Concurrency.Runtime.Coroutines;
using Concurrency.Runtime.Futures;
using Concurrency.Runtime.Queues;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

/// <summary>
/// The runtime's queue and lock against the BCL, measured in one run (course topics 3.4 and 3.8).
/// Each figure is the median of a few timed repetitions after a warm-up, so tiering has settled.
/// </summary>
public static class RuntimeSuite
{
    private const int Capacity = 1024;
    private const int QueueItems = 2_000_000;
    private const int LockOps = 20_000_000;
    private const int Repetitions = 5;
    private const int PoolTasks = 50_000;
    private const int PoolWorkers = 4;

    public static void Run(MetricSink sink)
    {
        sink.Add("queue.spsc.ops_per_s", Median(() => QueueThroughput(1, 1)));
        sink.Add("queue.mpmc4.ops_per_s", Median(() => QueueThroughput(4, 4)));
        sink.Add("bcl.blockingcollection.spsc.ops_per_s", Median(BlockingCollectionSpsc));
        sink.Add("bcl.channel.spsc.ops_per_s", Median(ChannelSpsc));
        sink.Add("lock.uncontended.ns_per_op", Median(LockNanoseconds));
        sink.Add("bcl.monitor.uncontended.ns_per_op", Median(MonitorNanoseconds));
        sink.Add("process.spawn_join.ms", SpawnJoinMilliseconds());
        sink.Add("process.queue.msgs_per_s", Median(ProcessQueueThroughput));
        RunPools(sink);
        RunCoroutines(sink);
    }

    /// <summary>The coroutine part of the suite alone (suite <c>coroutines</c>, course topic 5.3).</summary>
    public static void RunCoroutines(MetricSink sink)
    {
        sink.Add("coroutine.100k_sleep.s", Median(() => HubSleepSeconds(Coroutines)));
        var (heap, workingSet) = HubBytesPerCoroutine();
        sink.Add("coroutine.bytes_per_coroutine", heap + workingSet);
        sink.Add("coroutine.bytes_per_coroutine.heap", heap);
        sink.Add("coroutine.bytes_per_coroutine.working_set", workingSet);
        sink.Add("bcl.task_delay_100k.s", Median(() => TaskDelaySeconds(Coroutines)));
    }

    /// <summary>The pool part of the suite alone (suite <c>pools</c>).</summary>
    public static void RunPools(MetricSink sink)
    {
        sink.Add("pool.thread.tasks_per_s", Median(ThreadPoolThroughput));
        sink.Add("bcl.task_run.tasks_per_s", Median(TaskRunThroughput));
        ProcessPool(sink);
    }

    public static int Noop(int x) => x;

    private const int Coroutines = 100_000;
    private static readonly TimeSpan CoroutineSleep = TimeSpan.FromSeconds(0.5);

    // As bench_coroutines in the CPython reference (asyncio.run of a gather of 100,000 coroutines
    // that each sleep 0.5 s): Hub.Run of a main that spawns 100,000 greenlets that each
    // await Hub.Sleep(0.5 s), then joins them all. The wall time of the whole Run, hub thread start
    // and end included; the floor is 0.5 s.
    private static double HubSleepSeconds(int count)
    {
        var watch = Stopwatch.StartNew();
        Hub.Run(async () =>
        {
            var greenlets = new HubGreenlet[count];
            for (var i = 0; i < count; i++)
            {
                greenlets[i] = Hub.Spawn(SleepOnce);
            }

            await Hub.JoinAll(greenlets);
        });
        return watch.Elapsed.TotalSeconds;
    }

    private static Task SleepOnce() => SleepOnceAsync();

    private static async Task SleepOnceAsync() => await Hub.Sleep(CoroutineSleep);

    // The memory of a sleeping coroutine: after a full blocking GC, the managed heap size
    // (GC.GetTotalMemory(true)) and the process working set (Process.WorkingSet64) are read; then
    // a hub spawns 100,000 greenlets that each await Hub.Sleep(0.5 s) and, 100 ms later, while all
    // of them are asleep, main reads both again (the heap after another full GC, so only what is
    // alive counts). Each delta divided by 100,000 is reported; their sum is bytes_per_coroutine,
    // as the issue defines it (the working set also contains the heap's pages, so the sum counts
    // them twice: a pessimistic figure). CPython's reference reports the peak RSS delta / 100,000.
    private static (double Heap, double WorkingSet) HubBytesPerCoroutine()
    {
        HubSleepSeconds(1_000); // warm-up: code jitted, hub machinery loaded
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = process.WorkingSet64;
        long heapAfter = 0, workingSetAfter = 0;
        Hub.Run(async () =>
        {
            var greenlets = new HubGreenlet[Coroutines];
            for (var i = 0; i < Coroutines; i++)
            {
                greenlets[i] = Hub.Spawn(SleepOnce);
            }

            await Hub.Sleep(TimeSpan.FromMilliseconds(100));
            heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            process.Refresh();
            workingSetAfter = process.WorkingSet64;
            await Hub.JoinAll(greenlets);
        });
        return ((heapAfter - heapBefore) / (double)Coroutines, Math.Max(0, workingSetAfter - workingSetBefore) / (double)Coroutines);
    }

    // The physical reference: the same 100,000 sleeps as plain Task.Delay on the thread pool
    // (one System.Threading timer entry each), gathered with Task.WhenAll.
    private static double TaskDelaySeconds(int count)
    {
        var watch = Stopwatch.StartNew();
        Task.Run(() =>
        {
            var tasks = new Task[count];
            for (var i = 0; i < count; i++)
            {
                tasks[i] = DelayOnce();
            }

            return Task.WhenAll(tasks);
        }).GetAwaiter().GetResult();
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task DelayOnce() => await Task.Delay(CoroutineSleep).ConfigureAwait(false);

    // Course chapter 4, as the CPython reference's bench_thread_pool: a fresh pool of 4 workers,
    // 50,000 submits of a no-op, then every result in order; the workers start during the timing.
    private static double ThreadPoolThroughput()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: PoolWorkers);
        var futures = new Future<int>[PoolTasks];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < PoolTasks; i++)
        {
            futures[i] = pool.Submit(Noop, i);
        }

        foreach (var future in futures)
        {
            future.Result();
        }

        return PoolTasks / watch.Elapsed.TotalSeconds;
    }

    // The physical reference: the same work on the BCL thread pool (Task.Run), which sizes itself.
    private static double TaskRunThroughput()
    {
        var tasks = new Task<int>[PoolTasks];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < PoolTasks; i++)
        {
            var item = i;
            tasks[i] = Task.Run(() => Noop(item));
        }

        foreach (var task in tasks)
        {
            _ = task.Result;
        }

        return PoolTasks / watch.Elapsed.TotalSeconds;
    }

    // Course topic 2.2/2.4: start + join of a child whose target returns at once; the median of
    // 10 after one warm-up, as the CPython reference measures (it spawns a fresh interpreter).
    private static double SpawnJoinMilliseconds()
    {
        var times = new List<double>();
        for (var i = 0; i <= 10; i++)
        {
            var watch = Stopwatch.StartNew();
            var child = new Concurrency.Runtime.Multiprocessing.Process(ReturnAtOnce);
            child.Start();
            child.Join();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        var timed = times.Skip(1).Order().ToArray();
        return timed[timed.Length / 2];
    }

    public static void ReturnAtOnce()
    {
    }

    // Course topic 2.9: one child puts 50,000 small ints and a -1 sentinel on a process queue; the
    // parent gets them, timed from the first item as in the CPython reference.
    private static double ProcessQueueThroughput()
    {
        const int items = 50_000;
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        var child = new Concurrency.Runtime.Multiprocessing.Process(
            (Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int>)PutInts, new object?[] { queue, items });
        child.Start();
        queue.Get();
        var watch = Stopwatch.StartNew();
        var got = 1;
        while (queue.Get() >= 0)
        {
            got++;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        child.Join();
        return got / seconds;
    }

    public static void PutInts(Concurrency.Runtime.Multiprocessing.Queue<int> queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            queue.Put(i);
        }

        queue.Put(-1);
    }

    // Course topic 4: 5,000 no-op submits to a process pool of 2 workers, then every result, as
    // bench_process_pool in the CPython reference. "Warmed" as every figure here: the pool (warmed
    // with a map of 8 items, as the reference does) runs rounds until tiering has settled in the
    // workers too (they are new runtimes: their first thousands of tasks run unoptimized code), and
    // the figure is the median of 5 rounds. The first round of a fresh pool is reported beside it.
    private static void ProcessPool(MetricSink sink)
    {
        const int workers = 2;
        using var pool = new Concurrency.Runtime.Futures.ProcessPoolExecutor(maxWorkers: workers);
        _ = pool.Map(NoOp, Enumerable.Range(0, workers * 4)).ToList();
        var first = ProcessPoolRound(pool);
        for (var i = 0; i < 5; i++)
        {
            ProcessPoolRound(pool);
        }

        var runs = Enumerable.Range(0, Repetitions).Select(_ => ProcessPoolRound(pool)).Order().ToArray();
        sink.Add("pool.process.tasks_per_s", runs[runs.Length / 2]);
        sink.Add("pool.process.first_round.tasks_per_s", first);
    }

    private static double ProcessPoolRound(Concurrency.Runtime.Futures.ProcessPoolExecutor pool)
    {
        const int tasks = 5_000;
        var watch = Stopwatch.StartNew();
        var futures = new List<Concurrency.Runtime.Futures.Future<int>>(tasks);
        for (var i = 0; i < tasks; i++)
        {
            futures.Add(pool.Submit(NoOp, i));
        }

        foreach (var future in futures)
        {
            future.Result();
        }

        return tasks / watch.Elapsed.TotalSeconds;
    }

    public static int NoOp(int value) => value;

    private static double Median(Func<double> measure)
    {
        measure(); // warm-up: JIT tiers and the thread pool settle
        var runs = Enumerable.Range(0, Repetitions).Select(_ => measure()).Order().ToArray();
        return runs[runs.Length / 2];
    }

    // Producers put disjoint ranges of ints; consumers stop at a -1 sentinel each, as the CPython reference does.
    private static double QueueThroughput(int producers, int consumers)
    {
        var q = new Queue<int>(maxsize: Capacity);
        var perProducer = QueueItems / producers;
        var threads = new List<System.Threading.Thread>();
        for (var p = 0; p < producers; p++)
        {
            threads.Add(new System.Threading.Thread(() =>
            {
                for (var i = 0; i < perProducer; i++)
                {
                    q.Put(i);
                }
            }));
        }

        var consumerThreads = Enumerable.Range(0, consumers).Select(_ => new System.Threading.Thread(() =>
        {
            while (q.Get() >= 0)
            {
            }
        })).ToList();

        var watch = Stopwatch.StartNew();
        consumerThreads.ForEach(t => t.Start());
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (var c = 0; c < consumers; c++)
        {
            q.Put(-1);
        }

        consumerThreads.ForEach(t => t.Join());
        return perProducer * producers / watch.Elapsed.TotalSeconds;
    }

    private static double BlockingCollectionSpsc()
    {
        using var q = new BlockingCollection<int>(new ConcurrentQueue<int>(), Capacity);
        var consumer = new System.Threading.Thread(() =>
        {
            while (q.Take() >= 0)
            {
            }
        });
        var watch = Stopwatch.StartNew();
        consumer.Start();
        for (var i = 0; i < QueueItems; i++)
        {
            q.Add(i);
        }

        q.Add(-1);
        consumer.Join();
        return QueueItems / watch.Elapsed.TotalSeconds;
    }

    // The usual Channel pattern: a synchronous fast path, an awaited slow path; one thread each side.
    private static double ChannelSpsc()
    {
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        var consumer = new System.Threading.Thread(() => ReadAll(channel.Reader).GetAwaiter().GetResult());
        var watch = Stopwatch.StartNew();
        consumer.Start();
        WriteAll(channel.Writer).GetAwaiter().GetResult();
        consumer.Join();
        return QueueItems / watch.Elapsed.TotalSeconds;

        static async Task WriteAll(ChannelWriter<int> writer)
        {
            for (var i = 0; i < QueueItems; i++)
            {
                if (!writer.TryWrite(i))
                {
                    await writer.WriteAsync(i).ConfigureAwait(false);
                }
            }

            writer.Complete();
        }

        static async Task ReadAll(ChannelReader<int> reader)
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                }
            }
        }
    }

    private static double LockNanoseconds()
    {
        var gate = new Lock();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < LockOps; i++)
        {
            gate.Acquire();
            gate.Release();
        }

        return watch.Elapsed.TotalNanoseconds / LockOps;
    }

    private static double MonitorNanoseconds()
    {
        var gate = new object();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < LockOps; i++)
        {
            Monitor.Enter(gate);
            Monitor.Exit(gate);
        }

        return watch.Elapsed.TotalNanoseconds / LockOps;
    }
}
