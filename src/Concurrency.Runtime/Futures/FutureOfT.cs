using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Futures;

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
