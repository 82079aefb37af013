using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.Queues;
using Process = Concurrency.Runtime.Multiprocessing.Process;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// A pool of worker processes, Python's <c>concurrent.futures.ProcessPoolExecutor</c>: work runs in
/// real child processes (this program started again, as <see cref="Process"/> does), so CPU-bound
/// work runs in parallel; results come back as <see cref="Future{T}"/>s. Work is a static method
/// or a lambda that captures nothing, with arguments and a result that travel as JSON.
/// </summary>
/// <remarks>
/// <para>Built as CPython builds it: the workers are <see cref="Process"/>es started on demand (up to
/// <see cref="MaxWorkers"/>, reused across tasks), each running a loop that takes call items from a
/// call queue (a <see cref="Multiprocessing.Queue{T}"/> of <see cref="MaxWorkers"/> + 1 places, so
/// work not yet handed out can still be cancelled) and puts outcomes on a result queue. A manager
/// thread in this process (CPython's <c>_ExecutorManagerThread</c>) moves pending work to the call
/// queue, reads the results and completes the futures: so <b>the callbacks of a process pool run
/// in the parent, on the manager thread</b>, never in a worker. It also watches the workers: if one
/// ends unexpectedly (killed, crashed, <see cref="Environment.Exit(int)"/> in the work) every
/// pending and running future fails with <see cref="BrokenProcessPoolException"/>, the other
/// workers are killed, and the pool refuses new work.</para>
/// <para>An exception thrown by the work comes back as its own type when this process can load it
/// and it has a <c>(string message, Exception innerException)</c> constructor, with the child's
/// message and stack trace (shown before the parent's frames when rethrown); its
/// <see cref="Exception.InnerException"/> is a <see cref="ChildProcessException"/> with the type
/// name, message, stack and the worker's pid. Otherwise the future's exception is that
/// <see cref="ChildProcessException"/>. Other state of the exception (such as
/// <see cref="ArgumentException.ParamName"/>) does not travel.</para>
/// <para>The program needs the child-entry guard (<see cref="Process.EnterChildIfRequested"/>), as
/// for any <see cref="Process"/>. If it exits with a pool still open, the pool is shut down first
/// (waiting for its work), as CPython does at interpreter exit.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed partial class ProcessPoolExecutor : Executor
{
    /// <summary>How many call items wait in the call queue beyond one per worker (CPython's <c>EXTRA_QUEUED_CALLS</c>).</summary>
    internal const int ExtraQueuedCalls = 1;

    /// <summary>How often an idle manager checks its workers, beside the exit notices it gets.</summary>
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TargetRole WorkRole = new(
        "a process pool's work", "fn", "arg", " (Submit(fn, arg); a record carries several values)", string.Empty);

    private static readonly TargetRole InitializerRole = new("a process pool's initializer", "initializer", "initializer", string.Empty, string.Empty);

    private static readonly object s_live = new();
    private static readonly HashSet<ProcessPoolExecutor> s_open = new(); // guarded by s_live
    private static bool s_exitHooked;                                    // guarded by s_live
    private static int s_counter;

    private readonly object _gate = new();
    private readonly string _name;
    private readonly CallItem? _initializer;
    private readonly int _maxTasksPerChild;
    private readonly Dictionary<long, WorkItem> _pending = new();                       // guarded by _gate
    private readonly System.Collections.Generic.Queue<long> _workIds = new();           // guarded by _gate
    private readonly Dictionary<int, Process> _workers = new();                         // guarded by _gate: live workers by pid
    private readonly Dictionary<int, Process> _retiring = new();                        // guarded by _gate: workers expected to exit
    private Multiprocessing.Queue<CallItem?>? _calls;                                   // set once under _gate
    private Multiprocessing.Queue<ResultItem>? _results;                                // set once under _gate
    private Threading.Thread? _manager;                                                 // guarded by _gate
    private long _nextId;                                                               // guarded by _gate
    private int _idleWorkers;                                                           // guarded by _gate
    private int _spawned;                                                               // guarded by _gate
    private bool _shutdown;                                                             // guarded by _gate
    private bool _cancelPending;                                                        // guarded by _gate
    private bool _wakeupPosted;                                                         // guarded by _gate
    private string? _broken;                                                            // guarded by _gate

    /// <summary>
    /// Creates a pool of at most <paramref name="maxWorkers"/> worker processes. Nothing is started
    /// until the first submission: workers are started on demand.
    /// </summary>
    /// <param name="maxWorkers">The most worker processes; default <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="initializer">Run once in each worker before its first task: a static method or a lambda that captures nothing. If it throws, the pool is broken.</param>
    /// <param name="maxTasksPerChild">A worker exits after this many tasks and a fresh one replaces it; default: workers live as long as the pool.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWorkers"/> or <paramref name="maxTasksPerChild"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="initializer"/> captures variables or is an instance method.</exception>
    public ProcessPoolExecutor(int? maxWorkers = null, Action? initializer = null, int? maxTasksPerChild = null)
    {
        if (maxWorkers is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "maxWorkers must be greater than 0 (null = one worker per processor).");
        }

        if (maxTasksPerChild is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTasksPerChild), maxTasksPerChild, "maxTasksPerChild must be at least 1 (null = workers live as long as the pool).");
        }

        _initializer = initializer is null ? null : CallItem.Describe(initializer, Array.Empty<object?>(), InitializerRole);
        MaxWorkers = maxWorkers ?? Environment.ProcessorCount;
        _maxTasksPerChild = maxTasksPerChild ?? 0;
        _name = $"ProcessPoolExecutor-{System.Threading.Interlocked.Increment(ref s_counter)}";
    }

    /// <summary>The most worker processes the pool runs at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>Whether a worker ended unexpectedly or an initializer failed: the pool then refuses new work.</summary>
    public bool Broken
    {
        get
        {
            lock (_gate)
            {
                return _broken is not null;
            }
        }
    }

    /// <summary>The pids of the worker processes started and not yet joined (for diagnostics and tests). Never blocks.</summary>
    internal int[] WorkerPids
    {
        get
        {
            lock (_gate)
            {
                return _workers.Keys.Concat(_retiring.Keys).ToArray();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="fn"/> on every item in the worker processes and yields the results in
    /// the items' order, as <see cref="Executor.Map{TArg, TResult}"/>; with <paramref name="chunksize"/>
    /// above 1 the items are sent in chunks of that many (one call item, one result item per chunk:
    /// far fewer round trips for small work), as CPython's <c>ProcessPoolExecutor.map</c> does. Every
    /// chunk is submitted before this returns; the results are waited for as they are enumerated,
    /// <paramref name="timeout"/> counting from this call over the whole map (null = no limit).
    /// Disposing the enumerator early cancels the chunks not yet started.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunksize"/> is below 1, or <paramref name="timeout"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="fn"/> or an item cannot be sent to a child process (nothing is sent then).</exception>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="BrokenProcessPoolException">The pool is broken.</exception>
    /// <exception cref="TimeoutException">While enumerating: the results did not all come within <paramref name="timeout"/>.</exception>
    public override IEnumerable<TResult> Map<TArg, TResult>(Func<TArg, TResult> fn, IEnumerable<TArg> items, TimeSpan? timeout = null, int chunksize = 1)
    {
        if (chunksize == 1)
        {
            return base.Map(fn, items, timeout, chunksize);
        }

        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(items);
        if (chunksize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunksize), chunksize, "chunksize must be >= 1.");
        }

        var deadline = Deadline.After(timeout);
        Completer.CheckResultType(typeof(TResult), WorkRole.TargetParam);
        var calls = items.Chunk(chunksize).Select(chunk => CallItem.Describe(fn, Array.Empty<object?>(), WorkRole, chunk.Cast<object?>().ToArray())).ToList();
        var futures = new List<Future<TResult[]>>(calls.Count);
        try
        {
            foreach (var call in calls)
            {
                var future = new Future<TResult[]>();
                Enqueue(future, call, ChunkCompleter<TResult>.Instance);
                futures.Add(future);
            }
        }
        catch
        {
            futures.ForEach(f => f.Cancel());
            throw;
        }

        return Results(futures, deadline);

        static IEnumerable<TResult> Results(List<Future<TResult[]>> futures, Deadline deadline)
        {
            var next = 0;
            try
            {
                for (; next < futures.Count; next++)
                {
                    foreach (var result in futures[next].Result(deadline.Remaining))
                    {
                        yield return result;
                    }
                }
            }
            finally
            {
                for (var i = next + 1; i < futures.Count; i++)
                {
                    futures[i].Cancel();
                }
            }
        }
    }

    /// <summary>
    /// Stops the pool, CPython's <c>shutdown</c>: no new work is accepted; work already submitted
    /// still runs (unless <paramref name="cancelFutures"/>: then every future not yet handed to a
    /// worker is cancelled); then the workers are told to exit. With <paramref name="wait"/>, blocks
    /// until all that is done and every worker process has ended (no child is left); without, returns
    /// at once. Calling it again is harmless. Called from a callback on the manager thread, it does
    /// not wait (it would wait for itself).
    /// </summary>
    public override void Shutdown(bool wait = true, bool cancelFutures = false)
    {
        Threading.Thread? manager;
        lock (_gate)
        {
            _cancelPending = cancelFutures;
            _shutdown = true;
            manager = _manager;
            if (_results is not null)
            {
                Wakeup();
            }
        }

        if (wait && manager is not null && !ReferenceEquals(manager, Threading.Thread.CurrentThread))
        {
            manager.Join();
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (_gate)
        {
            var state = _broken is not null ? "broken" : _shutdown ? "shut down" : "running";
            return $"<{_name} {state}, {_workers.Count}/{MaxWorkers} workers, {_pending.Count} pending>";
        }
    }

    /// <summary>Checks the work before anything is sent, then queues it for the manager.</summary>
    /// <exception cref="ArgumentException">The work or its argument cannot travel (names <c>fn</c> or <c>arg</c>).</exception>
    protected override void SubmitWork(Future future, Delegate fn, object?[] args, Action run)
    {
        ArgumentNullException.ThrowIfNull(future);
        var completer = Completer.For(future);
        var call = CallItem.Describe(fn, args, WorkRole);
        Completer.CheckResultType(completer.ResultType, WorkRole.TargetParam);
        Enqueue(future, call, completer);
    }

    private void Enqueue(Future future, CallItem call, Completer completer)
    {
        lock (_gate)
        {
            if (_broken is not null)
            {
                throw new BrokenProcessPoolException(_broken);
            }

            if (_shutdown)
            {
                throw new InvalidOperationException($"Cannot schedule new futures after shutdown ({_name} is shut down).");
            }

            EnsureStarted();
            var id = _nextId++;
            call.Id = id;
            _pending[id] = new WorkItem(future, call, completer);
            _workIds.Enqueue(id);
            try
            {
                AdjustProcessCount();
            }
            catch
            {
                _pending.Remove(id);
                _workIds.Clear();
                foreach (var pendingId in _pending.Keys.Order())
                {
                    _workIds.Enqueue(pendingId);
                }

                throw;
            }

            Wakeup();
        }
    }

    /// <summary>Creates the queues and starts the manager thread, once (under <see cref="_gate"/>).</summary>
    private void EnsureStarted()
    {
        if (_manager is not null)
        {
            return;
        }

        _calls = new Multiprocessing.Queue<CallItem?>(MaxWorkers + ExtraQueuedCalls);
        _results = new Multiprocessing.Queue<ResultItem>();
        lock (s_live)
        {
            s_open.Add(this);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                Process.AtExitBeforeChildren(ShutdownAllAtExit);
            }
        }

        _manager = new Threading.Thread(ManagerLoop, name: $"{_name}_manager", daemon: true);
        _manager.Start();
    }

    /// <summary>CPython's <c>_adjust_process_count</c> (under <see cref="_gate"/>): an idle worker takes the work, else a new one starts if there is room.</summary>
    private void AdjustProcessCount()
    {
        if (_idleWorkers > 0)
        {
            _idleWorkers--;
            return;
        }

        if (_workers.Count < MaxWorkers)
        {
            SpawnWorker();
        }
    }

    private void SpawnWorker()
    {
        var name = $"{_name}_worker_{++_spawned}";
        var worker = new Process(
            (Action<Multiprocessing.Queue<CallItem?>, Multiprocessing.Queue<ResultItem>, CallItem?, int, string>)ProcessPoolWorker.Run,
            new object?[] { _calls, _results, _initializer, _maxTasksPerChild, name },
            name);
        worker.Start();
        var pid = worker.Pid!.Value;
        _workers[pid] = worker;
        var results = _results!;
        worker.WhenExited().ContinueWith(
            _ => results.Put(new ResultItem { Kind = ResultKind.Exited, Pid = pid }),
            System.Threading.CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Wakes the manager (under <see cref="_gate"/>); one wake-up waits at a time.</summary>
    private void Wakeup()
    {
        if (!_wakeupPosted)
        {
            _wakeupPosted = true;
            _results!.Put(new ResultItem { Kind = ResultKind.Wakeup });
        }
    }

    private static void ShutdownAllAtExit()
    {
        ProcessPoolExecutor[] open;
        lock (s_live)
        {
            open = s_open.ToArray();
        }

        foreach (var pool in open)
        {
            pool.Shutdown(wait: true);
        }
    }

    /// <summary>CPython's <c>_WorkItem</c>: the future, its call item, and how to complete it.</summary>
    private sealed record WorkItem(Future Future, CallItem Call, Completer Completer);
}
