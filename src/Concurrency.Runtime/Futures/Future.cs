using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Concurrency.Runtime.Internal;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// The eventual outcome of work handed to an <see cref="Executor"/>, Python's
/// <c>concurrent.futures.Future</c>. Its state moves once, Pending → Running → Finished (with a
/// result or an exception), or Pending → Cancelled. Callers wait with <see cref="Result"/> /
/// <see cref="GetException"/>, get notified with <see cref="AddDoneCallback(Action{Future})"/>, or
/// <c>await</c> it.
/// </summary>
/// <remarks>
/// <para>Executors create futures; <see cref="Future()"/> and the implementer API
/// (<see cref="SetRunningOrNotifyCancel"/>, <see cref="SetResult()"/>, <see cref="SetException"/>)
/// are for executor implementers and tests, as in Python.</para>
/// <para>Callbacks run on the thread that completes the future (in a thread pool: the worker that
/// finished the work), after the future's internal lock is released, in the order they were added.</para>
/// <para>Unlike CPython, a cancelled future counts as done for <see cref="Futures.Wait(IEnumerable{Future}, TimeSpan?, ReturnWhen)"/>
/// and <see cref="Futures.AsCompleted(IEnumerable{Future}, TimeSpan?)"/> at once, not only once an executor has
/// called <see cref="SetRunningOrNotifyCancel"/> (so a future cancelled by <c>Shutdown(cancelFutures: true)</c> never
/// leaves a waiter hanging).</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class Future
{
    private const int StatePending = 0;
    private const int StateRunning = 1;
    private const int StateCancelled = 2; // >= StateCancelled: done
    private const int StateFinished = 3;

    private static long s_ids;
    private static Action<Future, Exception> s_callbackExceptionHook = DefaultCallbackExceptionHook;

    private readonly Lock _lock;
    private readonly Condition _condition;    // over _lock: signalled when the future becomes done
    private volatile int _state;              // written under _lock; read without it for the fast paths
    private ExceptionDispatchInfo? _exception; // written before _state becomes Finished
    private object? _callbacks;               // null, one Action<Future> or a List of them; guarded by _lock until done
    private List<FutureWaiter>? _waiters;     // Futures.Wait/AsCompleted waiters; guarded by _lock
    private Task? _task;                      // AsTask's task, created once; guarded by _lock

    /// <summary>Creates a pending future (for executor implementers and tests, as Python's <c>Future()</c>).</summary>
    public Future()
        : this(SystemMonitor.Instance)
    {
    }

    /// <summary>A future whose waits go through <paramref name="monitor"/> (systematic tests).</summary>
    internal Future(ISyncMonitor monitor)
    {
        Monitor = monitor;
        _lock = new Lock("Future.lock", monitor, checkOrder: false);
        _condition = new Condition(_lock);
        Id = System.Threading.Interlocked.Increment(ref s_ids);
    }

    /// <summary>
    /// Where an exception thrown by a done callback goes (Python logs it with
    /// <c>LOGGER.exception</c>). It runs on the thread that ran the callback; an exception it throws
    /// is swallowed. By default <see cref="DefaultCallbackExceptionHook"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null; assign <see cref="DefaultCallbackExceptionHook"/> to restore the default.</exception>
    public static Action<Future, Exception> CallbackExceptionHook
    {
        get => System.Threading.Volatile.Read(ref s_callbackExceptionHook);
        set => System.Threading.Volatile.Write(ref s_callbackExceptionHook, value ?? throw new ArgumentNullException(nameof(value), "Assign Future.DefaultCallbackExceptionHook to restore the default hook."));
    }

    /// <summary>Whether the future is finished (with a result or an exception) or cancelled. Never blocks.</summary>
    public bool Done => _state >= StateCancelled;

    /// <summary>Whether the work is running now (a snapshot). Never blocks.</summary>
    public bool Running => _state == StateRunning;

    /// <summary>Whether the future was cancelled. Never blocks.</summary>
    public bool Cancelled => _state == StateCancelled;

    /// <summary>A process-wide sequence number: the order in which Futures.Wait takes several futures' locks.</summary>
    internal long Id { get; }

    /// <summary>The monitor this future's waits go through.</summary>
    internal ISyncMonitor Monitor { get; }

    /// <summary>The future's internal lock, held by Futures.Wait while it registers its waiter.</summary>
    internal Lock Gate => _lock;

    /// <summary>The default <see cref="CallbackExceptionHook"/>: writes the future and the exception to standard error.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void DefaultCallbackExceptionHook(Future future, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(future);
        ArgumentNullException.ThrowIfNull(exception);
        Console.Error.WriteLine($"exception calling callback for {future}");
        Console.Error.WriteLine(exception);
    }

    /// <summary>
    /// Cancels the work if it has not started. Never blocks (beyond the future's brief internal lock);
    /// on success the done callbacks run on the calling thread before it returns.
    /// </summary>
    /// <returns>True if the future was pending (and is now cancelled) or was already cancelled; false if it is running or finished.</returns>
    public bool Cancel()
    {
        _lock.Acquire();
        try
        {
            switch (_state)
            {
                case StateRunning or StateFinished:
                    return false;
                case StateCancelled:
                    return true;
            }

            _state = StateCancelled;
            _condition.NotifyLocked(int.MaxValue);
            if (_waiters is { } waiters)
            {
                foreach (var waiter in waiters)
                {
                    waiter.AddCancelled(this);
                }
            }
        }
        finally
        {
            _lock.Release();
        }

        InvokeCallbacks();
        return true;
    }

    /// <summary>
    /// Waits until the future is done, for at most <paramref name="timeout"/> (null or
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> = no limit), then rethrows the work's
    /// exception if it failed, with its original stack trace.
    /// </summary>
    /// <exception cref="TimeoutException">The future was not done within the timeout.</exception>
    /// <exception cref="FutureCancelledException">The future was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    public void Result(TimeSpan? timeout = null)
    {
        AwaitDone(timeout);
        ThrowIfFailed();
    }

    /// <summary>
    /// Waits until the future is done, for at most <paramref name="timeout"/> (null = no limit), and
    /// returns the exception the work threw, or null if it succeeded.
    /// </summary>
    /// <exception cref="TimeoutException">The future was not done within the timeout.</exception>
    /// <exception cref="FutureCancelledException">The future was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    public Exception? GetException(TimeSpan? timeout = null)
    {
        AwaitDone(timeout);
        if (_state == StateCancelled)
        {
            throw new FutureCancelledException();
        }

        return _exception?.SourceException;
    }

    /// <summary>
    /// Calls <paramref name="callback"/> with this future once it is done: on the thread that completes
    /// it, or at once on the calling thread if it is already done. Callbacks run in the order added.
    /// An exception a callback throws goes to <see cref="CallbackExceptionHook"/> and never propagates
    /// (it does not kill the worker, nor stop the other callbacks). Never blocks beyond the internal lock.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void AddDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _lock.Acquire();
        try
        {
            if (_state < StateCancelled)
            {
                AppendCallbackLocked(callback);
                return;
            }
        }
        finally
        {
            _lock.Release();
        }

        RunCallback(callback);
    }

    /// <summary>
    /// Implementer API (Python's <c>set_running_or_notify_cancel</c>): an executor calls it just before
    /// running the work. Never blocks beyond the internal lock.
    /// </summary>
    /// <returns>False if the future was cancelled (the work must not run; its waiters have been woken); true if it is now running.</returns>
    /// <exception cref="InvalidOperationException">The future is already running or finished.</exception>
    public bool SetRunningOrNotifyCancel()
    {
        _lock.Acquire();
        try
        {
            switch (_state)
            {
                case StateCancelled:
                    return false; // waiters were woken when it was cancelled
                case StatePending:
                    _state = StateRunning;
                    return true;
                default:
                    throw new InvalidOperationException($"Future in unexpected state: {this}; SetRunningOrNotifyCancel may be called once, on a pending or cancelled future.");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Implementer API (Python's <c>set_exception</c>): finishes the future with <paramref name="exception"/>,
    /// capturing its stack trace, wakes every waiter and runs the done callbacks on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The future is already finished or cancelled.</exception>
    public void SetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        EnterToFinish(nameof(SetException));
        _exception = ExceptionDispatchInfo.Capture(exception);
        ExitFinished();
    }

    /// <summary>
    /// Implementer API (Python's <c>set_result</c>): finishes the future successfully (a
    /// <see cref="Future{T}"/> then holds <c>default(T)</c>), wakes every waiter and runs the done
    /// callbacks on the calling thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The future is already finished or cancelled.</exception>
    public void SetResult()
    {
        EnterToFinish(nameof(SetResult));
        ExitFinished();
    }

    /// <summary>
    /// Lets code <c>await</c> the future without blocking a thread: the continuation runs on the
    /// captured synchronization context, else on the .NET thread pool — never inline on the thread
    /// that completes the future nor under its lock. The await rethrows what <see cref="Result"/> throws.
    /// </summary>
    public FutureAwaiter GetAwaiter() => new(this);

    /// <summary>
    /// A task that completes when the future is done: successfully, faulted with the work's
    /// exception, or cancelled (<see cref="Task.IsCanceled"/>) if the future was cancelled. Its
    /// continuations run asynchronously. The same task is returned on every call. Never blocks.
    /// </summary>
    public Task AsTask()
    {
        Task task;
        _lock.Acquire();
        try
        {
            if (_task is { } existing)
            {
                return existing;
            }

            task = _task = CreateTask();
        }
        finally
        {
            _lock.Release();
        }

        return task;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var state = _state switch
        {
            StatePending => "pending",
            StateRunning => "running",
            StateCancelled => "cancelled",
            _ => _exception is null ? "finished returned" : $"finished raised {_exception.SourceException.GetType().Name}",
        };
        return $"<Future #{Id} state={state}>";
    }

    /// <summary>Registers a Futures.Wait waiter; the caller holds <see cref="Gate"/>.</summary>
    internal void AddWaiterLocked(FutureWaiter waiter) => (_waiters ??= new List<FutureWaiter>()).Add(waiter);

    /// <summary>Unregisters a Futures.Wait waiter; the caller holds <see cref="Gate"/>.</summary>
    internal void RemoveWaiterLocked(FutureWaiter waiter) => _waiters?.Remove(waiter);

    /// <summary>The exception it finished with, or null (also while not done).</summary>
    internal Exception? FailureOrNull => _exception?.SourceException;

    /// <summary>Creates the task <see cref="AsTask"/> returns; called once, with the lock held.</summary>
    private protected virtual Task CreateTask()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AddCallbackLockedOrComplete(() =>
        {
            if (_state == StateCancelled)
            {
                source.TrySetCanceled();
            }
            else if (_exception is { } failure)
            {
                source.TrySetException(failure.SourceException);
            }
            else
            {
                source.TrySetResult();
            }
        });
        return source.Task;
    }

    /// <summary>With the lock held: runs <paramref name="complete"/> when done (now if already done); it must not throw.</summary>
    private protected void AddCallbackLockedOrComplete(Action complete)
    {
        if (_state >= StateCancelled)
        {
            complete();
            return;
        }

        AppendCallbackLocked(_ => complete());
    }

    /// <summary>Takes the lock to finish the future; throws (lock released) if it is already done.</summary>
    private protected void EnterToFinish(string operation)
    {
        _lock.Acquire();
        if (_state >= StateCancelled)
        {
            var description = ToString();
            _lock.Release();
            throw new InvalidOperationException($"Cannot {operation}: the future is already done ({description}).");
        }
    }

    /// <summary>Marks the future finished, wakes waiters, releases the lock and runs the callbacks.</summary>
    private protected void ExitFinished()
    {
        try
        {
            _state = StateFinished;
            _condition.NotifyLocked(int.MaxValue);
            if (_waiters is { } waiters)
            {
                var failed = _exception is not null;
                foreach (var waiter in waiters)
                {
                    if (failed)
                    {
                        waiter.AddException(this);
                    }
                    else
                    {
                        waiter.AddResult(this);
                    }
                }
            }
        }
        finally
        {
            _lock.Release();
        }

        InvokeCallbacks();
    }

    /// <summary>Blocks until done or the deadline; throws TimeoutException on timeout.</summary>
    private protected void AwaitDone(TimeSpan? timeout)
    {
        var deadline = Deadline.After(timeout);
        if (_state >= StateCancelled)
        {
            return;
        }

        _lock.Acquire();
        try
        {
            while (_state < StateCancelled)
            {
                if (!deadline.IsInfinite && deadline.RemainingMilliseconds == 0)
                {
                    throw new TimeoutException($"The future was not done within {timeout}: {this}.");
                }

                _condition.WaitLocked(deadline);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Once done: throws FutureCancelledException or rethrows the work's exception.</summary>
    private protected void ThrowIfFailed()
    {
        if (_state == StateCancelled)
        {
            throw new FutureCancelledException();
        }

        _exception?.Throw();
    }

    private void AppendCallbackLocked(Action<Future> callback)
    {
        switch (_callbacks)
        {
            case null:
                _callbacks = callback;
                break;
            case List<Action<Future>> list:
                list.Add(callback);
                break;
            default:
                _callbacks = new List<Action<Future>> { (Action<Future>)_callbacks, callback };
                break;
        }
    }

    private void InvokeCallbacks()
    {
        // Done now: no callback is added any more, so the list is read without the lock.
        switch (_callbacks)
        {
            case null:
                return;
            case Action<Future> one:
                RunCallback(one);
                break;
            case List<Action<Future>> list:
                foreach (var callback in list)
                {
                    RunCallback(callback);
                }

                break;
        }

        _callbacks = null;
    }

    private void RunCallback(Action<Future> callback)
    {
        try
        {
            callback(this);
        }
        catch (Exception e)
        {
            try
            {
                CallbackExceptionHook(this, e);
            }
            catch (Exception)
            {
                // The hook is the last line of defence: a callback never kills the completing thread.
            }
        }
    }
}

/// <summary>A <see cref="Future"/> whose work returns a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The type of the result.</typeparam>
public class Future<T> : Future
{
    private T? _result; // written before the state becomes Finished

    /// <summary>Creates a pending future (for executor implementers and tests, as Python's <c>Future()</c>).</summary>
    public Future()
    {
    }

    /// <summary>A future whose waits go through <paramref name="monitor"/> (systematic tests).</summary>
    internal Future(ISyncMonitor monitor)
        : base(monitor)
    {
    }

    /// <summary>
    /// Waits until the future is done, for at most <paramref name="timeout"/> (null = no limit), and
    /// returns the work's result; rethrows the work's exception with its original stack trace.
    /// </summary>
    /// <exception cref="TimeoutException">The future was not done within the timeout.</exception>
    /// <exception cref="FutureCancelledException">The future was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    public new T Result(TimeSpan? timeout = null)
    {
        AwaitDone(timeout);
        ThrowIfFailed();
        return _result!;
    }

    /// <summary>
    /// Calls <paramref name="callback"/> with this future once it is done; see
    /// <see cref="Future.AddDoneCallback(Action{Future})"/> (same thread, order and error rules).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void AddDoneCallback(Action<Future<T>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        base.AddDoneCallback(f => callback((Future<T>)f));
    }

    /// <summary>
    /// Implementer API (Python's <c>set_result</c>): finishes the future with <paramref name="result"/>,
    /// wakes every waiter and runs the done callbacks on the calling thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The future is already finished or cancelled.</exception>
    public void SetResult(T result)
    {
        EnterToFinish(nameof(SetResult));
        _result = result;
        ExitFinished();
    }

    /// <summary>Lets code <c>await</c> the future; see <see cref="Future.GetAwaiter"/>. The await returns the result.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    /// <summary>A task that completes with the future's result; see <see cref="Future.AsTask"/>.</summary>
    public new Task<T> AsTask() => (Task<T>)base.AsTask();

    private protected override Task CreateTask()
    {
        var source = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        AddCallbackLockedOrComplete(() =>
        {
            if (Cancelled)
            {
                source.TrySetCanceled();
            }
            else if (FailureOrNull is { } failure)
            {
                source.TrySetException(failure);
            }
            else
            {
                source.TrySetResult(_result!);
            }
        });
        return source.Task;
    }
}

/// <summary>The awaiter of a <see cref="Future"/>: <c>await future</c>.</summary>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion
{
    private readonly Future _future;

    internal FutureAwaiter(Future future)
    {
        _future = future;
    }

    /// <summary>Whether the future is done, so the await continues synchronously.</summary>
    public bool IsCompleted => _future.Done;

    /// <summary>Ends the await: returns, or throws what <see cref="Future.Result"/> throws. Blocks only if the future is not done.</summary>
    public void GetResult() => _future.Result();

    /// <inheritdoc/>
    public void OnCompleted(Action continuation) => _future.AsTask().GetAwaiter().OnCompleted(continuation);

    /// <inheritdoc/>
    public void UnsafeOnCompleted(Action continuation) => _future.AsTask().GetAwaiter().UnsafeOnCompleted(continuation);
}

/// <summary>The awaiter of a <see cref="Future{T}"/>: <c>var result = await future</c>.</summary>
/// <typeparam name="T">The type of the result.</typeparam>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion
{
    private readonly Future<T> _future;

    internal FutureAwaiter(Future<T> future)
    {
        _future = future;
    }

    /// <summary>Whether the future is done, so the await continues synchronously.</summary>
    public bool IsCompleted => _future.Done;

    /// <summary>Ends the await: returns the result, or throws what <see cref="Future{T}.Result"/> throws. Blocks only if the future is not done.</summary>
    public T GetResult() => _future.Result();

    /// <inheritdoc/>
    public void OnCompleted(Action continuation) => _future.AsTask().GetAwaiter().OnCompleted(continuation);

    /// <inheritdoc/>
    public void UnsafeOnCompleted(Action continuation) => _future.AsTask().GetAwaiter().UnsafeOnCompleted(continuation);
}
