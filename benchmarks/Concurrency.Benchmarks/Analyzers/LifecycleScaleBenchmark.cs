using System.Text;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// The lifecycle rules (CONC2xx) at scale, as a user's build sees them: a generated executable of
/// 200 and 2,000 files of worker code against the real <c>Concurrency.Runtime</c> — BCL and runtime
/// threads started in one loop and joined in another, joined in <c>finally</c> and on every path,
/// kept in fields and joined in <c>Dispose</c>; tasks awaited and <c>WhenAll</c>'ed; queue consumers
/// that mark every item done in <c>finally</c>; child processes sharing a joinable queue; Parallel,
/// the thread pool, timers — with, in one file in fifty, each lifecycle mistake. Built with
/// <c>-p:ReportAnalyzer=true</c>: the figures are the compiler's own report of the CONC2 rules' time
/// and the Csc task's time. Every CONC2 diagnostic is compared with the lines the generator planted
/// a mistake on; the others (false positives) and the planted mistakes nothing found are printed.
/// </summary>
public static class LifecycleScaleBenchmark
{
    public static void Run(MetricSink sink)
    {
        var small = Measure(200);
        var large = Measure(2000);
        sink.Add("analyzers.lifecycle.ms.200", small.LifecycleMs);
        sink.Add("analyzers.lifecycle.ms.2000", large.LifecycleMs);
        sink.Add("analyzers.lifecycle.scale_ratio", large.LifecycleMs / small.LifecycleMs);
        sink.Add("analyzers.lifecycle.compile.ms.2000", large.Build.CompileMilliseconds);
        sink.Add("analyzers.lifecycle.share_of_compile.pct.2000", 100 * large.LifecycleMs / large.Build.CompileMilliseconds);
        sink.Add("analyzers.lifecycle.diagnostics.2000", large.Build.Warnings("CONC2").Count);
    }

    private sealed record Measurement(GeneratedBuild Build, double LifecycleMs);

    /// <summary>The generated program: its <c>Main</c> and <paramref name="files"/> worker files.</summary>
    internal static List<KeyValuePair<string, string>> Sources(int files)
    {
        var sources = new List<KeyValuePair<string, string>> { new("Program.cs", ProgramSource) };
        sources.AddRange(Enumerable.Range(0, files).Select(i => new KeyValuePair<string, string>($"Worker{i}.cs", Source(i, files))));
        return sources;
    }

    private static Measurement Measure(int files)
    {
        var sources = Sources(files);
        sources.Add(new("lifecycle.globalconfig", """
            is_global = true
            # CONC209 is Info, which the build does not print: at warning every site is counted (the cost is the same).
            dotnet_analyzer_diagnostic.category-Concurrency.Lifecycle.severity = warning
            """));
        var build = GeneratedProject.Build(
            $"lifecycle-{files}",
            sources,
            properties: "    <OutputType>Exe</OutputType>",
            items: $"""
                    <Reference Include="{typeof(Concurrency.Runtime.Threading.Thread).Assembly.Location}" />
                    <GlobalAnalyzerConfigFiles Include="lifecycle.globalconfig" />
                """);
        var measurement = new Measurement(build, build.FamilyMilliseconds("CONC2", "lifecycle"));
        PlantedSites.Print("lifecycle", "CONC2", files, sources, build);
        return measurement;
    }

    private const string ProgramSource = """
        using System;
        using Concurrency.Runtime.Multiprocessing;

        namespace App;

        public static class Program
        {
            public static int Main(string[] args)
            {
                // First: a child process started by a worker runs its target here and exits.
                Process.EnterChildIfRequested();
                using var first = new App.Module0.Worker0();
                first.StartConsumers(2);
                for (var k = 0; k < 10; k++)
                {
                    first.Submit(k);
                }

                first.WaitForJobs();
                return first.RunAll(4) > 0 ? 0 : 1;
            }
        }
        """;

    /// <summary>
    /// One file: a worker class whose methods each use one lifecycle API correctly, calling the next
    /// file's worker here and there; in one file in fifty, each of the mistakes of <see cref="Mistakes"/>.
    /// </summary>
    internal static string Source(int i, int files)
    {
        var next = (i + 1) % files;
        var source = new StringBuilder();
        source.AppendLine($$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Concurrency.Runtime.Multiprocessing;
            using Concurrency.Runtime.Queues;
            using MpProcess = Concurrency.Runtime.Multiprocessing.Process;
            using RThread = Concurrency.Runtime.Threading.Thread;
            using RTimer = Concurrency.Runtime.Threading.Timer;
            using WorkQueue = Concurrency.Runtime.Queues.Queue<int>;

            namespace App.Module{{i % 40}};

            public sealed class Worker{{i}} : IDisposable
            {
                private readonly List<RThread> _consumers = new List<RThread>();
                private readonly WorkQueue _jobs = new WorkQueue();
                private readonly ManualResetEventSlim _stop = new ManualResetEventSlim();
                private readonly System.Threading.Thread _pump;
                private readonly Timer _tick;
                private Task _background = Task.CompletedTask;
                private RThread _helper;
                private int _total;

                public Worker{{i}}()
                {
                    _pump = new System.Threading.Thread(Pump) { IsBackground = true, Name = "pump-{{i}}" };
                    _pump.Start();
                    _tick = new Timer(_ => Interlocked.Increment(ref _total), null, 1000, 1000);
                }

                public event EventHandler Changed;

                public App.Module{{next % 40}}.Worker{{next}} Next { get; set; }

                public int Total => Volatile.Read(ref _total);

                private void Add(int x) => Interlocked.Add(ref _total, x);

                private static int Compute(int x) => (x * 31 % 17) + 1;

                private bool Validate(int x) => x >= 0 && x != int.MaxValue && _total >= 0;

                private void Pump()
                {
                    while (!_stop.Wait(50))
                    {
                        Add(0);
                    }
                }

                // Threads started in one loop, joined in a second.
                public int RunAll(int count)
                {
                    var threads = new List<System.Threading.Thread>(count);
                    for (var k = 0; k < count; k++)
                    {
                        var n = k;
                        var t = new System.Threading.Thread(() => Add(Compute(n)));
                        t.Start();
                        threads.Add(t);
                    }

                    foreach (var t in threads)
                    {
                        t.Join();
                    }

                    return Total;
                }

                // Runtime threads in an array, joined in a second for loop.
                public void RunBatch(int[] items)
                {
                    var workers = new RThread[items.Length];
                    for (var k = 0; k < items.Length; k++)
                    {
                        var item = items[k];
                        workers[k] = new RThread(() => Add(item), name: $"batch-{{i}}-{k}");
                        workers[k].Start();
                    }

                    for (var k = 0; k < workers.Length; k++)
                    {
                        workers[k].Join();
                    }
                }

                // Joined in finally: the work between may throw.
                public void RunGuarded(Action work)
                {
                    var helper = new RThread(work, name: "guarded-{{i}}");
                    helper.Start();
                    try
                    {
                        Validate(Total);
                        Changed?.Invoke(this, EventArgs.Empty);
                    }
                    finally
                    {
                        helper.Join();
                    }
                }

                // Joined on every path, the early return included.
                public bool RunChecked(int x)
                {
                    var t = new System.Threading.Thread(() => Add(x));
                    t.Start();
                    if (x < 0)
                    {
                        t.Join();
                        return false;
                    }

                    Add(1);
                    t.Join();
                    return true;
                }

                // One attempt at a time on purpose: the next only if this one failed.
                public bool Retry(int attempts)
                {
                    for (var attempt = 0; attempt < attempts; attempt++)
                    {
                        var ok = false;
                        var t = new System.Threading.Thread(() => ok = Validate(attempt));
                        t.Start();
                        t.Join();
                        if (ok)
                        {
                            return true;
                        }
                    }

                    return false;
                }

                // Consumers kept in a field, joined in Dispose.
                public void StartConsumers(int n)
                {
                    for (var k = 0; k < n; k++)
                    {
                        var consumer = new RThread(Consume, name: $"consumer-{{i}}-{k}");
                        _consumers.Add(consumer);
                        consumer.Start();
                    }
                }

                public void Submit(int job) => _jobs.Put(job);

                public void WaitForJobs() => _jobs.Join();

                // Every item taken is marked done, whatever the work does.
                private void Consume()
                {
                    while (true)
                    {
                        int job;
                        try
                        {
                            job = _jobs.Get();
                        }
                        catch (QueueShutDownException)
                        {
                            return;
                        }

                        try
                        {
                            Add(Compute(job));
                        }
                        finally
                        {
                            _jobs.TaskDone();
                        }
                    }
                }

                public async Task<int> LoadAllAsync(IReadOnlyList<int> ids, CancellationToken ct)
                {
                    var tasks = ids.Select(id => Task.Run(() => Compute(id), ct)).ToList();
                    var results = await Task.WhenAll(tasks).ConfigureAwait(false);
                    return results.Sum();
                }

                public async Task SaveAsync(int value)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    Add(value);
                }

                public Task<int> ComputeAsync(int value) => Task.Run(() => Compute(value));

                public async Task<int> PipelineAsync(int value, CancellationToken ct)
                {
                    await SaveAsync(value);
                    var local = Task.Factory.StartNew(() => Compute(value), ct, TaskCreationOptions.None, TaskScheduler.Default);
                    var remote = Next is null ? Task.FromResult(0) : Next.ComputeAsync(value);
                    await Task.WhenAll(local, remote);
                    return local.Result + remote.Result;
                }

                public Task<int> StartNewAsync(int value) =>
                    Task.Factory.StartNew(async () => { await Task.Yield(); return Compute(value); }).Unwrap();

                // Long-running work kept in a field, awaited when stopping.
                public void StartBackground(CancellationToken ct)
                {
                    _background = Task.Run(async () =>
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await Task.Delay(100, ct).ConfigureAwait(false);
                            Add(1);
                        }
                    }, ct);
                }

                public async Task StopAsync()
                {
                    try
                    {
                        await _background.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                // Synchronous code that waits for the tasks it starts.
                public int ComputeAll(int count)
                {
                    var tasks = new Task<int>[count];
                    for (var k = 0; k < count; k++)
                    {
                        var n = k;
                        tasks[k] = Task.Run(() => Compute(n));
                    }

                    Task.WaitAll(tasks);
                    return tasks.Sum(t => t.Result);
                }

                public int ComputeNow(int value) => Task.Run(() => Compute(value)).GetAwaiter().GetResult();

                public void Fan(IEnumerable<int> items) => Parallel.ForEach(items, item => Add(Compute(item)));

                public Task FanAsync(IEnumerable<int> items, CancellationToken ct) =>
                    Parallel.ForEachAsync(items, ct, async (item, token) => await SaveAsync(item));

                public void Pool(int n)
                {
                    using var done = new CountdownEvent(n);
                    for (var k = 0; k < n; k++)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            try
                            {
                                Add(1);
                            }
                            finally
                            {
                                done.Signal();
                            }
                        });
                    }

                    done.Wait();
                }

                // The failure is the work's own business: it catches everything.
                public void Notify(int value)
                {
                    _ = Task.Run(() =>
                    {
                        try
                        {
                            Add(value);
                        }
                        catch (Exception)
                        {
                        }
                    });
                }

                public void Hook()
                {
                    Changed += async (sender, e) =>
                    {
                        try
                        {
                            await SaveAsync(1);
                        }
                        catch (Exception)
                        {
                        }
                    };
                }

                public void Heartbeat(TimeSpan every)
                {
                    var timer = new RTimer(every, () => Add(1));
                    timer.Start();
                    try
                    {
                        Validate(Total);
                    }
                    finally
                    {
                        timer.Cancel();
                        timer.Join();
                    }
                }

                // A child process draining a joinable queue.
                public int Distribute(int[] items)
                {
                    var queue = new JoinableQueue<int>();
                    var child = new MpProcess(DrainChild, new object[] { queue }, name: "drain-{{i}}");
                    child.Start();
                    try
                    {
                        foreach (var item in items)
                        {
                            queue.Put(item);
                        }

                        queue.Put(-1);
                        queue.Join();
                    }
                    finally
                    {
                        child.Join();
                    }

                    return child.ExitCode ?? -1;
                }

                private static void DrainChild(JoinableQueue<int> queue)
                {
                    while (true)
                    {
                        var item = queue.Get();
                        try
                        {
                            if (item < 0)
                            {
                                return;
                            }

                            Compute(item);
                        }
                        finally
                        {
                            queue.TaskDone();
                        }
                    }
                }

                public void RunChildren(int n)
                {
                    var children = new List<MpProcess>();
                    for (var k = 0; k < n; k++)
                    {
                        var child = new MpProcess(ChildMain, name: $"child-{{i}}-{k}");
                        child.Start();
                        children.Add(child);
                    }

                    foreach (var child in children)
                    {
                        child.Join();
                    }
                }

                private static void ChildMain() => Compute(1);

                // One helper at a time: the previous one is joined before it is replaced.
                public void RestartHelper(int value)
                {
                    _helper?.Join();
                    _helper = new RThread(() => Add(value), name: "helper-{{i}}");
                    _helper.Start();
                }

                // Bounded parallelism: each batch's threads all start, then all are joined, batch after batch.
                public void RunInBatches(int[][] batches)
                {
                    foreach (var batch in batches)
                    {
                        var running = new List<RThread>();
                        foreach (var item in batch)
                        {
                            var t = new RThread(() => Add(item));
                            t.Start();
                            running.Add(t);
                        }

                        foreach (var t in running)
                        {
                            t.Join();
                        }
                    }
                }

                public int ComputeInChunks(IEnumerable<int[]> chunks)
                {
                    var total = 0;
                    foreach (var chunk in chunks)
                    {
                        var tasks = chunk.Select(x => Task.Run(() => Compute(x))).ToArray();
                        Task.WaitAll(tasks);
                        total += tasks.Sum(t => t.Result);
                    }

                    return total;
                }

                // At most four at a time: when the window is full, the oldest is joined before the next starts.
                public void RunWindowed(int[] items)
                {
                    var window = new System.Collections.Generic.Queue<System.Threading.Thread>();
                    foreach (var item in items)
                    {
                        if (window.Count == 4)
                        {
                            window.Dequeue().Join();
                        }

                        var t = new System.Threading.Thread(() => Add(item));
                        t.Start();
                        window.Enqueue(t);
                    }

                    while (window.Count > 0)
                    {
                        window.Dequeue().Join();
                    }
                }

                public void RunTasksWindowed(int[] items)
                {
                    var running = new List<Task>();
                    foreach (var item in items)
                    {
                        running.Add(Task.Run(() => Add(item)));
                        if (running.Count == 4)
                        {
                            running.RemoveAt(Task.WaitAny(running.ToArray()));
                        }
                    }

                    Task.WaitAll(running.ToArray());
                }

                // A pipeline of two: each iteration joins the thread the one before started.
                public void Overlap(int[] items)
                {
                    System.Threading.Thread previous = null;
                    foreach (var item in items)
                    {
                        var t = new System.Threading.Thread(() => Add(item));
                        t.Start();
                        previous?.Join();
                        previous = t;
                    }

                    previous?.Join();
                }

                // Started once, polled until it ends.
                public void Watch(Action work)
                {
                    var t = new System.Threading.Thread(() => work());
                    t.Start();
                    while (!t.Join(TimeSpan.FromMilliseconds(100)))
                    {
                        Add(0);
                    }
                }

                public void RunAndJoinAll(int count)
                {
                    var threads = Enumerable.Range(0, count).Select(n => new System.Threading.Thread(() => Add(n))).ToList();
                    threads.ForEach(t => t.Start());
                    JoinAll(threads);
                }

                private static void JoinAll(IEnumerable<System.Threading.Thread> threads)
                {
                    foreach (var t in threads)
                    {
                        t.Join();
                    }
                }

                // One await after another on purpose: each step needs the one before.
                public async Task<int> StepsAsync(int count, CancellationToken ct)
                {
                    var value = 0;
                    for (var k = 0; k < count; k++)
                    {
                        var current = value;
                        value = await Task.Run(() => Compute(current), ct);
                    }

                    return value;
                }

                private readonly Dictionary<int, Task<int>> _pending = new Dictionary<int, Task<int>>();
                private readonly List<Task> _running = new List<Task>();

                public void Prefetch(int id)
                {
                    lock (_pending)
                    {
                        _pending[id] = ComputeAsync(id);
                    }
                }

                public Task<int> Fetch(int id)
                {
                    lock (_pending)
                    {
                        return _pending.TryGetValue(id, out var task) ? task : ComputeAsync(id);
                    }
                }

                public void Track(int value) => Remember(Task.Run(() => Add(value)));

                private void Remember(Task task)
                {
                    lock (_running)
                    {
                        _running.Add(task);
                    }
                }

                public Task DrainAsync()
                {
                    lock (_running)
                    {
                        return Task.WhenAll(_running.ToArray());
                    }
                }

                public Task<int> Later(int value)
                {
                    var task = ComputeAsync(value);
                    Add(1);
                    return task;
                }

                public async Task<int> WithTimeoutAsync(int value, TimeSpan timeout)
                {
                    var work = ComputeAsync(value);
                    var winner = await Task.WhenAny(work, Task.Delay(timeout));
                    return winner == work ? await work : -1;
                }

                public async Task<int> LocalFunctionAsync(int value)
                {
                    return await Twice() + await Task.Run(Once);

                    async Task<int> Twice()
                    {
                        await Task.Yield();
                        return Compute(value) * 2;
                    }

                    int Once() => Compute(value);
                }

                public async Task QueueAsync(int job, CancellationToken ct)
                {
                    await _jobs.PutAsync(job, ct);
                    var taken = await _jobs.GetAsync(ct);
                    try
                    {
                        await SaveAsync(taken);
                    }
                    finally
                    {
                        _jobs.TaskDone();
                    }
                }

                // Fire and forget, with the failure logged by a continuation that runs only on a fault.
                public void Background(int value)
                {
                    Task.Run(() => Add(value)).ContinueWith(t => Console.Error.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                }

                public void Spread(int n)
                {
                    Parallel.For(0, n, k => Add(Compute(k)));
                    Parallel.Invoke(() => Add(1), () => Add(2));
                }

                public void HookMethod() => Changed += OnChanged;

                private async void OnChanged(object sender, EventArgs e)
                {
                    try
                    {
                        await SaveAsync(1);
                    }
                    catch (Exception)
                    {
                    }
                }

                // Calls into the next worker.
                public int Forward(int value)
                {
                    Next?.RunGuarded(() => Add(value));
                    return Next?.ComputeNow(value) ?? Compute(value);
                }

                public async Task<int> ForwardAsync(int value, CancellationToken ct)
                {
                    var mine = ComputeAsync(value);
                    var theirs = Next?.LoadAllAsync(new[] { value, value + 1 }, ct) ?? Task.FromResult(0);
                    return await mine + await theirs;
                }

                public void Dispose()
                {
                    _stop.Set();
                    _jobs.Shutdown();
                    foreach (var consumer in _consumers)
                    {
                        consumer.Join();
                    }

                    _pump.Join();
                    _tick.Dispose();
                    _helper?.Join();
                }
            """);
        var mistake = i % 50;
        if (mistake < Mistakes.Length)
        {
            source.AppendLine(Mistakes[mistake]);
        }

        source.AppendLine("}");
        return source.ToString();
    }

    /// <summary>
    /// The mistakes, one method each; the line a rule should report carries <see cref="PlantedSites.Marker"/> with
    /// the rule's id, or "no rule yet" for the mistakes the family does not report (yet).
    /// </summary>
    private static readonly string[] Mistakes =
    {
        """
            public bool EarlyReturn(int x)
            {
                var t = new System.Threading.Thread(() => Add(x));
                t.Start(); // planted: no rule yet: a thread never joined on the early return
                if (x < 0)
                {
                    return false;
                }

                t.Join();
                return true;
            }
        """,
        """
            public void SerialThreads(int[] items)
            {
                foreach (var item in items)
                {
                    var t = new System.Threading.Thread(() => Add(item));
                    t.Start();
                    t.Join(); // planted: CONC202 BCL thread started and joined in one iteration
                }
            }
        """,
        """
            public void SerialChildren(int n)
            {
                for (var k = 0; k < n; k++)
                {
                    var child = new MpProcess(ChildMain);
                    child.Start();
                    child.Join(); // planted: CONC202 runtime process started and joined in one iteration
                }
            }
        """,
        """
            public void SerialTasks(int n)
            {
                for (var k = 0; k < n; k++)
                {
                    var v = k;
                    Task.Run(() => Add(v)).Wait(); // planted: CONC202 Task.Run(…).Wait() in a loop
                }
            }
        """,
        """
            public void Kick(int value)
            {
                Task.Run(() => Add(value)); // planted: CONC204 Task.Run dropped in synchronous code
            }
        """,
        """
            public int Peek(int value)
            {
                var pending = ComputeAsync(value); // planted: CONC204 a task in a local nothing observes
                return Compute(value);
            }
        """,
        """
            public async Task StartNewWrappedAsync(int value)
            {
                await Task.Factory.StartNew(async () => await SaveAsync(value)); // planted: CONC204 StartNew(async …) not unwrapped
            }
        """,
        """
            public void Cold(int value)
            {
                new Task(() => Add(value)).Start(); // planted: CONC204 new Task(…).Start() dropped
            }
        """,
        """
            public void Save(int value)
            {
                _ = SaveAsync(value); // planted: CONC209 _ = SaveAsync()
            }
        """,
        """
            public void Fire(int value)
            {
                _ = Task.Run(() => Add(Compute(value))); // planted: CONC209 _ = Task.Run(…)
            }
        """,
        """
            public void AsyncThread(int value)
            {
                var t = new System.Threading.Thread(async () => await SaveAsync(value)); // planted: CONC208 async lambda given to new Thread
                t.Start();
                t.Join();
            }
        """,
        """
            public void AsyncParallel(IEnumerable<int> items)
            {
                Parallel.ForEach(items, async item => await SaveAsync(item)); // planted: CONC208 async lambda given to Parallel.ForEach
            }
        """,
        """
            public void AsyncTimer()
            {
                using var timer = new Timer(async _ => await SaveAsync(1), null, 0, Timeout.Infinite); // planted: CONC208 async lambda given to a timer
                Validate(Total);
            }
        """,
        """
            public void AsyncPool(int value)
            {
                ThreadPool.QueueUserWorkItem(async _ => await SaveAsync(value)); // planted: CONC208 async lambda given to the thread pool
            }
        """,
        """
            public void ConsumeOne()
            {
                var job = _jobs.Get(); // planted: CONC207 Get without TaskDone
                Add(Compute(job));
            }
        """,
        """
            public void ReplaceHelper(int value)
            {
                _helper = new RThread(() => Add(value)); // planted: no rule yet: the previous helper thread replaced without a join
                _helper.Start();
            }
        """,
        """
            public void Spawn()
            {
                var child = new MpProcess(ChildMain);
                child.Start(); // planted: no rule yet: a process never joined
            }
        """,
        """
            public void AsyncRuntimeThread(int value)
            {
                var t = new RThread(async () => await SaveAsync(value)); // planted: CONC208 async lambda given to a runtime Thread
                t.Start();
                t.Join();
            }
        """,
        """
            public void AsyncVoidGroup()
            {
                var t = new System.Threading.Thread(OnTick); // planted: CONC208 async void method group given to new Thread
                t.Start();
                t.Join();
            }

            private async void OnTick() => await SaveAsync(1);
        """,
        """
            public void Continue(int value)
            {
                ComputeAsync(value).ContinueWith(t => Add(t.Result)); // planted: CONC204 ContinueWith dropped in synchronous code
            }
        """,
        """
            public void SerialRuntimeThreads(int n)
            {
                var k = 0;
                while (k < n)
                {
                    var t = new RThread(() => Add(1));
                    t.Start();
                    t.Join(); // planted: CONC202 runtime thread started and joined in one iteration of a while loop
                    k++;
                }
            }
        """,
        """
            public int SerialResults(int n)
            {
                var total = 0;
                for (var k = 0; k < n; k++)
                {
                    var v = k;
                    total += Task.Run(() => Compute(v)).Result; // planted: CONC202 Task.Run(…).Result in a loop
                }

                return total;
            }
        """,
        """
            public void SaveNow(int value)
            {
                SaveAsync(value); // planted: CONC204 an async method's task dropped in synchronous code
            }
        """,
    };
}
