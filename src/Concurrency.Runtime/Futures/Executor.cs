using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// Runs work asynchronously and hands back a <see cref="Future"/> for each piece, Python's
/// <c>concurrent.futures.Executor</c>. Shut it down when done — <c>using var executor = …;</c>
/// (<see cref="Dispose"/> = <c>Shutdown(wait: true)</c>), the counterpart of Python's <c>with</c>.
/// </summary>
/// <remarks>
/// Every <c>Submit</c> overload throws <see cref="ArgumentNullException"/> for a null
/// <c>fn</c>, then hands the work to <see cref="SubmitWork"/>, which throws
/// <see cref="InvalidOperationException"/> after <see cref="Shutdown"/> (and
/// <see cref="BrokenExecutorException"/> once the executor is broken).
/// </remarks>
public abstract class Executor : IDisposable
{
    /// <summary>
    /// Schedules <paramref name="fn"/> and returns a future for its result. Never waits for the work;
    /// it blocks only briefly on the executor's internal lock.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    /// <exception cref="BrokenExecutorException">The executor is broken (a derived type tells why).</exception>
    public Future<TResult> Submit<TResult>(Func<TResult> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var future = new Future<TResult>(FutureMonitor);
        SubmitWork(future, fn, Array.Empty<object?>(), () => RunWork(future, fn));
        return future;
    }

    /// <summary>
    /// Schedules <c>fn(arg)</c> and returns a future for its result (Python's <c>submit(fn, arg)</c>).
    /// Never waits for the work.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    /// <exception cref="BrokenExecutorException">The executor is broken.</exception>
    public Future<TResult> Submit<TArg, TResult>(Func<TArg, TResult> fn, TArg arg)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var future = new Future<TResult>(FutureMonitor);
        SubmitWork(future, fn, new object?[] { arg }, () => RunWork(future, fn, arg));
        return future;
    }

    /// <summary>
    /// Schedules <paramref name="fn"/> and returns a future that completes when it has run (its
    /// <see cref="Future.Result"/> rethrows what it threw). Never waits for the work.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    /// <exception cref="BrokenExecutorException">The executor is broken.</exception>
    public Future Submit(Action fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var future = new Future(FutureMonitor);
        SubmitWork(future, fn, Array.Empty<object?>(), () => RunWork(future, fn));
        return future;
    }

    /// <summary>
    /// Python's <c>executor.map</c>: submits <c>fn(item)</c> for every item at once (eagerly, in this
    /// call), and returns the results lazily in input order. Enumerating blocks on each result in turn,
    /// for at most <paramref name="timeout"/> in total counted from this call (null = no limit), and
    /// rethrows the first failing item's exception when reaching it. Disposing the enumerator early
    /// (leaving a <c>foreach</c>, an exception) cancels the work not started yet.
    /// <paramref name="chunksize"/> is how many items a process pool sends per message; a thread pool ignores it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunksize"/> is less than 1, or the timeout is negative.</exception>
    /// <exception cref="InvalidOperationException">The executor was shut down.</exception>
    /// <exception cref="TimeoutException">From <c>MoveNext</c>: a result was not ready when the timeout passed.</exception>
    public virtual IEnumerable<TResult> Map<TArg, TResult>(Func<TArg, TResult> fn, IEnumerable<TArg> items, TimeSpan? timeout = null, int chunksize = 1)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunksize, 1);
        var deadline = Deadline.After(timeout);
        var futures = new List<Future<TResult>>();
        foreach (var item in items)
        {
            futures.Add(Submit(fn, item));
        }

        return ResultsInOrder(futures, deadline);
    }

    /// <summary>
    /// Signals the executor to free its resources once the pending work is done; later submits throw
    /// <see cref="InvalidOperationException"/>. With <paramref name="wait"/> true it blocks until every
    /// pending future has completed and the workers have ended; with <paramref name="cancelFutures"/>
    /// true the futures not started yet are cancelled first. Calling it again is harmless.
    /// </summary>
    public abstract void Shutdown(bool wait = true, bool cancelFutures = false);

    /// <summary><c>Shutdown(wait: true)</c>: blocks until the pending work is done and the workers have ended.</summary>
    public void Dispose()
    {
        Shutdown(wait: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Hands one piece of work to the executor. <paramref name="future"/> is the one returned to the
    /// caller; <paramref name="fn"/> and <paramref name="args"/> let an out-of-process executor
    /// validate and send the work; <paramref name="run"/> is the in-process invocation: it calls
    /// <c>SetRunningOrNotifyCancel</c>, and if that returns true calls <paramref name="fn"/> with
    /// <paramref name="args"/> and sets the future's result or exception. Throw
    /// <see cref="InvalidOperationException"/> after shutdown, <see cref="BrokenExecutorException"/> once broken.
    /// </summary>
    /// <param name="future">The future returned to the caller.</param>
    /// <param name="fn">The work's delegate, as the caller passed it.</param>
    /// <param name="args">The work's arguments (empty, or the one argument).</param>
    /// <param name="run">Runs the work in this process and completes <paramref name="future"/>; it never throws.</param>
    protected abstract void SubmitWork(Future future, Delegate fn, object?[] args, Action run);

    /// <summary>The monitor the futures created by Submit wait through (systematic tests swap it).</summary>
    internal virtual ISyncMonitor FutureMonitor => SystemMonitor.Instance;

    private static void RunWork<TResult>(Future<TResult> future, Func<TResult> fn)
    {
        if (!future.SetRunningOrNotifyCancel())
        {
            return;
        }

        TResult result;
        try
        {
            result = fn();
        }
        catch (Exception e)
        {
            future.SetException(e);
            return;
        }

        future.SetResult(result);
    }

    private static void RunWork<TArg, TResult>(Future<TResult> future, Func<TArg, TResult> fn, TArg arg)
    {
        if (!future.SetRunningOrNotifyCancel())
        {
            return;
        }

        TResult result;
        try
        {
            result = fn(arg);
        }
        catch (Exception e)
        {
            future.SetException(e);
            return;
        }

        future.SetResult(result);
    }

    private static void RunWork(Future future, Action fn)
    {
        if (!future.SetRunningOrNotifyCancel())
        {
            return;
        }

        try
        {
            fn();
        }
        catch (Exception e)
        {
            future.SetException(e);
            return;
        }

        future.SetResult();
    }

    // CPython's result_iterator: each result in turn, the rest cancelled if the caller stops early.
    private static IEnumerable<TResult> ResultsInOrder<TResult>(List<Future<TResult>> futures, Deadline deadline)
    {
        var next = 0;
        try
        {
            for (; next < futures.Count; next++)
            {
                var future = futures[next];
                TResult result;
                try
                {
                    result = future.Result(deadline.Remaining);
                }
                finally
                {
                    future.Cancel();
                }

                yield return result;
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
