using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.Queues;
using Process = Concurrency.Runtime.Multiprocessing.Process;

namespace Concurrency.Runtime.Futures;

// The manager thread (CPython's _ExecutorManagerThread): it fills the call queue, completes the
// futures from the result queue (so callbacks run here, in the parent) and watches the workers.
public sealed partial class ProcessPoolExecutor
{
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
}
