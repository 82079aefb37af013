using Concurrency.Runtime.Futures;

namespace Chapter05.Callbacks.Fixed;

/// <summary>
/// Course topic 5.1, asynchronous submission with a callback: each future is told whom to notify
/// when it is done, so a failed send is reported — by the worker that ran it, while the loop goes on.
/// </summary>
public static class Notifier
{
    public static void NotifyAll(Executor pool, IReadOnlyList<string> users, Action<string> send, Action<string, Exception> failed)
    {
        foreach (var user in users)
        {
            pool.Submit(() => send(user)).AddDoneCallback(done =>
            {
                if (done.GetException() is { } error)
                {
                    failed(user, error);
                }
            });
        }
    }
}
