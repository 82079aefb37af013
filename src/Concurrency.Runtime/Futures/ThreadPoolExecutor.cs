using System.Runtime.CompilerServices;
using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Queues;
using Lock = Concurrency.Runtime.Threading.Lock;
using Semaphore = Concurrency.Runtime.Threading.Semaphore;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// An executor that runs work on at most <see cref="MaxWorkers"/> threads, Python's
/// <c>concurrent.futures.ThreadPoolExecutor</c> (course chapter 4: bound the number of workers).
/// Work waits in a <see cref="SimpleQueue{T}"/>; a worker thread is started on a submit only when
/// no worker is idle, and idle workers are reused.
/// </summary>
/// <remarks>
/// <para>Workers are the runtime's <see cref="Threading.Thread"/>s named <c>{threadNamePrefix}_{n}</c>
/// (n from 0), or <c>ThreadPoolExecutor-{k}_{n}</c> without a prefix, as in CPython. They are daemon
/// (background) threads: a pool that is never shut down does not keep the process alive, but its
/// pending work is then lost at exit — shut it down (<c>using var pool = …;</c>).</para>
/// <para>A done callback runs on the worker that finished the work. If the initializer throws, the
/// pool is broken: pending futures fail with <see cref="BrokenThreadPoolException"/> and later
/// submits throw it.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class ThreadPoolExecutor : Executor
{
    private const string BrokenMessage = "A thread initializer failed, the thread pool is not usable anymore.";

    private static int s_counter = -1;

    private readonly SimpleQueue<WorkItem> _workQueue;
    private readonly Semaphore _idleSemaphore;         // a unit per idle worker (CPython's _idle_semaphore)
    private readonly Lock _shutdownLock;
    private readonly List<IPoolWorker> _threads = new(); // guarded by _shutdownLock
    private readonly Action? _initializer;
    private readonly ISyncMonitor _monitor;
    private readonly Func<string, Action, IPoolWorker> _startWorker;
    private readonly string _threadNamePrefix;
    private Exception? _brokenBy;                       // the initializer's exception once broken; guarded by _shutdownLock
    private volatile bool _shutdown;

    /// <summary>
    /// Creates a pool of at most <paramref name="maxWorkers"/> threads (by default
    /// <c>min(32, Environment.ProcessorCount + 4)</c>, as CPython). No thread starts before the first submit.
    /// </summary>
    /// <param name="maxWorkers">The most threads the pool runs; null for the default.</param>
    /// <param name="threadNamePrefix">The workers' name prefix; empty for <c>ThreadPoolExecutor-{k}</c>.</param>
    /// <param name="initializer">Runs at the start of each worker thread; if it throws, the pool is broken.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWorkers"/> is 0 or negative.</exception>
    public ThreadPoolExecutor(int? maxWorkers = null, string threadNamePrefix = "", Action? initializer = null)
        : this(maxWorkers, threadNamePrefix, initializer, SystemMonitor.Instance, StartThread)
    {
    }

    /// <summary>A pool whose every wait goes through <paramref name="monitor"/> and whose workers <paramref name="startWorker"/> starts (systematic tests).</summary>
    internal ThreadPoolExecutor(int? maxWorkers, string? threadNamePrefix, Action? initializer, ISyncMonitor monitor, Func<string, Action, IPoolWorker> startWorker)
    {
        if (maxWorkers is { } max && max <= 0)
        {
            GC.SuppressFinalize(this);
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), max, "maxWorkers must be greater than 0 (or null for the default).");
        }

        MaxWorkers = maxWorkers ?? Math.Min(32, Environment.ProcessorCount + 4);
        _monitor = monitor;
        _startWorker = startWorker;
        _initializer = initializer;
        _workQueue = new SimpleQueue<WorkItem>(monitor);
        _idleSemaphore = new Semaphore(0, monitor);
        _shutdownLock = new Lock("ThreadPoolExecutor.shutdownLock", monitor, checkOrder: false);
        _threadNamePrefix = string.IsNullOrEmpty(threadNamePrefix)
            ? $"ThreadPoolExecutor-{System.Threading.Interlocked.Increment(ref s_counter)}"
            : threadNamePrefix;
    }

    /// <summary>A pool dropped without shutdown: wakes its workers so they see it is gone and end (CPython's weakref callback).</summary>
    ~ThreadPoolExecutor()
    {
        // Null only if the constructor threw before creating it.
        _workQueue?.Put(default);
    }

    /// <summary>The most worker threads this pool runs at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>How many worker threads have been started (they live until shutdown).</summary>
    internal int ThreadCount
    {
        get
        {
            _shutdownLock.Acquire();
            try
            {
                return _threads.Count;
            }
            finally
            {
                _shutdownLock.Release();
            }
        }
    }

    internal override ISyncMonitor FutureMonitor => _monitor;

    /// <summary>
    /// Stops accepting work (later submits throw <see cref="InvalidOperationException"/>). With
    /// <paramref name="cancelFutures"/> the work not started yet is cancelled; the rest still runs. With
    /// <paramref name="wait"/> this blocks until every worker has finished the queued work and ended
    /// (a worker calling it does not wait for itself). Calling it again is harmless.
    /// </summary>
    public override void Shutdown(bool wait = true, bool cancelFutures = false)
    {
        IPoolWorker[] threads;
        _shutdownLock.Acquire();
        try
        {
            _shutdown = true;
            if (cancelFutures)
            {
                // Take every work item still queued and cancel its future.
                while (_workQueue.TryGet(out var item))
                {
                    item.Future?.Cancel();
                }
            }

            // Wake a worker blocked in Get; each one passes the wake-up on as it leaves.
            _workQueue.Put(default);
            threads = _threads.ToArray();
        }
        finally
        {
            _shutdownLock.Release();
        }

        if (wait)
        {
            foreach (var thread in threads)
            {
                if (!thread.IsCurrentThread)
                {
                    thread.Join();
                }
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var state = _shutdown ? "shut down" : System.Threading.Volatile.Read(ref _brokenBy) is not null ? "broken" : "running";
        return $"<ThreadPoolExecutor {_threadNamePrefix} max_workers={MaxWorkers} {state}>";
    }

    /// <inheritdoc/>
    protected override void SubmitWork(Future future, Delegate fn, object?[] args, Action run)
    {
        _shutdownLock.Acquire();
        try
        {
            if (_brokenBy is { } cause)
            {
                throw new BrokenThreadPoolException(BrokenMessage, cause);
            }

            if (_shutdown)
            {
                throw new InvalidOperationException("Cannot schedule new futures after shutdown.");
            }

            _workQueue.Put(new WorkItem(future, run));
            AdjustThreadCount();
        }
        finally
        {
            _shutdownLock.Release();
        }
    }

    private static IPoolWorker StartThread(string name, Action body)
    {
        var thread = new Threading.Thread(body, name, daemon: true);
        thread.Start();
        return new ThreadWorker(thread);
    }

    // The worker's loop (CPython's _worker). It holds the pool only weakly, so a pool nobody
    // references can be collected and its workers end.
    private static void Work(WeakReference<ThreadPoolExecutor> executorRef, SimpleQueue<WorkItem> workQueue, Action? initializer)
    {
        if (initializer is not null)
        {
            try
            {
                initializer();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Exception in initializer of thread {Threading.Thread.CurrentThread.Name}:");
                Console.Error.WriteLine(e);
                if (executorRef.TryGetTarget(out var executor))
                {
                    executor.InitializerFailed(e);
                }

                return;
            }
        }

        while (true)
        {
            if (!workQueue.TryGet(out var item))
            {
                MarkIdle(executorRef);
                item = workQueue.Get();
            }

            if (item.Run is { } run)
            {
                run(); // never throws: it completes the future with the work's exception
                continue;
            }

            // A wake-up: leave if the pool is shut down or gone, passing it on to the next worker.
            if (IsShutDownOrGone(executorRef))
            {
                workQueue.Put(default);
                return;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the pool unreachable from the worker's frame while it waits
    private static void MarkIdle(WeakReference<ThreadPoolExecutor> executorRef)
    {
        if (executorRef.TryGetTarget(out var executor))
        {
            executor._idleSemaphore.Release();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsShutDownOrGone(WeakReference<ThreadPoolExecutor> executorRef) =>
        !executorRef.TryGetTarget(out var executor) || executor._shutdown;

    private static Action WorkerBody(WeakReference<ThreadPoolExecutor> executorRef, SimpleQueue<WorkItem> workQueue, Action? initializer) =>
        () => Work(executorRef, workQueue, initializer);

    // Called with _shutdownLock held: reuse an idle worker, else start one if below the bound.
    private void AdjustThreadCount()
    {
        if (_idleSemaphore.Acquire(blocking: false))
        {
            return;
        }

        var count = _threads.Count;
        if (count < MaxWorkers)
        {
            var body = WorkerBody(new WeakReference<ThreadPoolExecutor>(this), _workQueue, _initializer);
            _threads.Add(_startWorker($"{_threadNamePrefix}_{count}", body));
        }
    }

    private void InitializerFailed(Exception cause)
    {
        _shutdownLock.Acquire();
        try
        {
            _brokenBy ??= cause;

            // Fail every pending future: none of the queued work will run.
            while (_workQueue.TryGet(out var item))
            {
                if (item.Future is { } future && future.SetRunningOrNotifyCancel())
                {
                    future.SetException(new BrokenThreadPoolException(BrokenMessage, _brokenBy));
                }
            }
        }
        finally
        {
            _shutdownLock.Release();
        }
    }

    /// <summary>One queued piece of work; the default value is the wake-up CPython writes as <c>None</c>.</summary>
    private readonly record struct WorkItem(Future? Future, Action? Run);

    private sealed class ThreadWorker : IPoolWorker
    {
        private readonly Threading.Thread _thread;

        internal ThreadWorker(Threading.Thread thread)
        {
            _thread = thread;
        }

        public bool IsCurrentThread => ReferenceEquals(Threading.Thread.CurrentThread, _thread);

        public void Join() => _thread.Join();
    }
}

/// <summary>A pool's worker as the pool sees it: a runtime thread, or a controlled task under systematic tests.</summary>
internal interface IPoolWorker
{
    bool IsCurrentThread { get; }

    void Join();
}
