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
public sealed class ProcessPoolExecutor : Executor
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

    /// <summary>CPython's <c>_ExecutorManagerThread.run</c>.</summary>
    private void ManagerLoop()
    {
        try
        {
            while (true)
            {
                AddCallItemsToQueue();
                ResultItem? item;
                try
                {
                    item = _results!.Get(timeout: WatchInterval);
                }
                catch (QueueEmptyException)
                {
                    item = null;
                }

                var broken = item is null ? CheckWorkers() : Handle(item);
                if (broken is not null)
                {
                    TerminateBroken(broken.Value.Reason, broken.Value.Cause);
                    return;
                }

                if (IsShuttingDown())
                {
                    FlagShuttingDown();
                    AddCallItemsToQueue();
                    lock (_gate)
                    {
                        if (_pending.Count > 0)
                        {
                            continue;
                        }
                    }

                    JoinExecutorInternals();
                    return;
                }
            }
        }
        catch (Exception e)
        {
            // never leave futures hanging: an unexpected failure here breaks the pool
            TerminateBroken($"The pool's manager thread failed: {e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            lock (s_live)
            {
                s_open.Remove(this);
            }
        }
    }

    /// <summary>CPython's <c>add_call_item_to_queue</c>: fills the call queue from the pending work; never blocks.</summary>
    private void AddCallItemsToQueue()
    {
        while (true)
        {
            WorkItem work;
            lock (_gate)
            {
                if (_calls!.Full || !_workIds.TryDequeue(out var id))
                {
                    return;
                }

                if (!_pending.TryGetValue(id, out work!))
                {
                    continue;
                }
            }

            if (work.Future.SetRunningOrNotifyCancel())
            {
                _calls.Put(work.Call, block: false);
            }
            else
            {
                lock (_gate)
                {
                    _pending.Remove(work.Call.Id);
                }
            }
        }
    }

    /// <summary>Acts on one item of the result queue; returns why the pool is broken, if it now is.</summary>
    private (string Reason, Exception? Cause)? Handle(ResultItem item)
    {
        switch (item.Kind)
        {
            case ResultKind.Wakeup:
                lock (_gate)
                {
                    _wakeupPosted = false;
                }

                return null;

            case ResultKind.Result:
            {
                WorkItem? work;
                string workerName;
                lock (_gate)
                {
                    _pending.Remove(item.Id, out work);
                    workerName = _workers.TryGetValue(item.Pid, out var worker) ? worker.Name : $"{_name} worker";
                    if (item.Exiting)
                    {
                        Retire(item.Pid);
                    }
                    else
                    {
                        _idleWorkers = Math.Min(_idleWorkers + 1, _workers.Count);
                    }
                }

                // outside the lock: the future's callbacks run here, on the manager thread
                if (work is not null && !work.Future.Done)
                {
                    work.Completer.Complete(work.Future, item, workerName);
                }

                if (item.Exiting)
                {
                    // a fresh worker replaces the one that reached maxTasksPerChild (whatever the
                    // idle count says: it counted the retired worker too)
                    lock (_gate)
                    {
                        if ((!_shutdown || _pending.Count > 0) && _workers.Count < MaxWorkers)
                        {
                            SpawnWorker();
                        }
                    }
                }

                return null;
            }

            case ResultKind.Stopped:
                lock (_gate)
                {
                    Retire(item.Pid);
                }

                return null;

            case ResultKind.InitializerFailed:
            {
                var cause = item.Error?.Rebuild($"{_name} initializer", item.Pid);
                return ($"The initializer failed in worker pid {item.Pid}" + (item.Error is { } e ? $" with {e.TypeFullName}: {e.Message}" : string.Empty) + "; the process pool is not usable anymore.", cause);
            }

            case ResultKind.Exited:
                lock (_gate)
                {
                    if (_retiring.Remove(item.Pid, out var retired))
                    {
                        retired.Join();
                        return null;
                    }

                    return _workers.TryGetValue(item.Pid, out var died) ? (Died(died), null) : null;
                }

            default:
                return null;
        }
    }

    /// <summary>A worker that is expected to exit no longer counts as live (under <see cref="_gate"/>).</summary>
    private void Retire(int pid)
    {
        if (_workers.Remove(pid, out var worker))
        {
            _retiring[pid] = worker;
            _idleWorkers = Math.Min(_idleWorkers, _workers.Count);
        }
    }

    /// <summary>
    /// The watch when no result came for a while: a worker that has ended without notice. Results
    /// already queued are read first (a worker that reached <c>maxTasksPerChild</c> put its last
    /// result before it exited).
    /// </summary>
    private (string Reason, Exception? Cause)? CheckWorkers()
    {
        lock (_gate)
        {
            if (_workers.Values.All(w => w.IsAlive))
            {
                return null;
            }
        }

        while (true)
        {
            ResultItem item;
            try
            {
                item = _results!.GetNowait();
            }
            catch (QueueEmptyException)
            {
                break;
            }

            if (Handle(item) is { } broken)
            {
                return broken;
            }
        }

        lock (_gate)
        {
            return _workers.Values.FirstOrDefault(w => !w.IsAlive) is { } died ? (Died(died), null) : null;
        }
    }

    private static string Died(Process worker) =>
        $"A process in the process pool was terminated abruptly while the future was running or pending: {worker.Name} (pid {worker.Pid}) ended with exit code {worker.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}" +
        (worker.ExitCode is > 128 and < 160 ? $" (signal {worker.ExitCode - 128})" : string.Empty) + "; the process pool is not usable anymore.";

    private bool IsShuttingDown()
    {
        lock (_gate)
        {
            return _shutdown;
        }
    }

    /// <summary>CPython's <c>flag_executor_shutting_down</c>: cancels what was never handed to a worker, if asked.</summary>
    private void FlagShuttingDown()
    {
        List<WorkItem> toCancel;
        lock (_gate)
        {
            if (!_cancelPending)
            {
                return;
            }

            _cancelPending = false;
            toCancel = _workIds.Where(_pending.ContainsKey).Select(id => _pending[id]).ToList();
            _workIds.Clear();
        }

        foreach (var work in toCancel)
        {
            if (work.Future.Cancel())
            {
                lock (_gate)
                {
                    _pending.Remove(work.Call.Id);
                }
            }
        }
    }

    /// <summary>CPython's <c>terminate_broken</c>: marks the pool broken, fails every pending and running future, kills the workers.</summary>
    private void TerminateBroken(string reason, Exception? cause)
    {
        List<WorkItem> failed;
        List<Process> workers;
        lock (_gate)
        {
            _broken = reason;
            _shutdown = true;
            failed = _pending.Values.OrderBy(w => w.Call.Id).ToList();
            _pending.Clear();
            _workIds.Clear();
            workers = _workers.Values.Concat(_retiring.Values).ToList();
            _workers.Clear();
            _retiring.Clear();
            _idleWorkers = 0;
        }

        foreach (var work in failed)
        {
            try
            {
                if (!work.Future.Done)
                {
                    // one exception object per future: each may be rethrown on its own thread
                    work.Future.SetException(cause is null ? new BrokenProcessPoolException(reason) : new BrokenProcessPoolException(reason, cause));
                }
            }
            catch (InvalidOperationException)
            {
                // cancelled meanwhile by its owner
            }
        }

        // the queues may hold a half-done exchange with the dead worker: stop the others outright
        foreach (var worker in workers)
        {
            worker.Kill();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }
    }

    /// <summary>CPython's <c>join_executor_internals</c>: one stop sentinel per worker, then waits for every worker process to end.</summary>
    private void JoinExecutorInternals()
    {
        List<Process> workers;
        lock (_gate)
        {
            workers = _workers.Values.Concat(_retiring.Values).ToList();
            foreach (var _ in _workers)
            {
                _calls!.Put(null, block: true);
            }
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        lock (_gate)
        {
            _workers.Clear();
            _retiring.Clear();
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
