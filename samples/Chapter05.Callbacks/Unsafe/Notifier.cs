using Concurrency.Runtime.Futures;

namespace Chapter05.Callbacks.Unsafe;

/// <summary>
/// Course topic 5.1, asynchronous submission without anyone to notify: the futures are dropped, so
/// when a send fails, its exception stays in a future nobody reads (CONC204).
/// </summary>
public static class Notifier
{
    public static void NotifyAll(Executor pool, IReadOnlyList<string> users, Action<string> send)
    {
        foreach (var user in users)
        {
            pool.Submit(() => send(user));
        }
    }
}
