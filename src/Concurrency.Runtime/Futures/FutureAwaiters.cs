using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Futures;

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
