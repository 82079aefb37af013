using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// Waiting for several futures at once, Python's <c>concurrent.futures.wait</c> and
/// <c>as_completed</c>. Both register one waiter on every future (CPython's design), so no thread
/// polls and a future finishing on any thread wakes the caller at once.
/// </summary>
/// <remarks>
/// Inside a namespace called <c>…Futures</c> of your own, the name <c>Futures</c> means that
/// namespace: write <c>Concurrency.Runtime.Futures.Futures.Wait(…)</c> or alias the class there.
/// </remarks>
public static class Futures
{
    /// <summary>
    /// Yields each future as it completes (finishes or is cancelled): those already done first, then
    /// the others in the order they complete. Duplicates are yielded once. The enumeration blocks in
    /// <c>MoveNext</c> while no future is done, for at most <paramref name="timeout"/> in total counted
    /// from this call (null = no limit).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> is null (thrown at once).</exception>
    /// <exception cref="ArgumentException"><paramref name="futures"/> contains null (thrown at once).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (thrown at once).</exception>
    /// <exception cref="TimeoutException">From <c>MoveNext</c>: the timeout passed with some futures not done.</exception>
    public static IEnumerable<Future<T>> AsCompleted<T>(IEnumerable<Future<T>> futures, TimeSpan? timeout = null) =>
        AsCompletedCore(futures, timeout);

    /// <summary>Yields each future as it completes; see <see cref="AsCompleted{T}(IEnumerable{Future{T}}, TimeSpan?)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> is null (thrown at once).</exception>
    /// <exception cref="ArgumentException"><paramref name="futures"/> contains null (thrown at once).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (thrown at once).</exception>
    /// <exception cref="TimeoutException">From <c>MoveNext</c>: the timeout passed with some futures not done.</exception>
    public static IEnumerable<Future> AsCompleted(IEnumerable<Future> futures, TimeSpan? timeout = null) =>
        AsCompletedCore(futures, timeout);

    /// <summary>
    /// Blocks until the futures satisfy <paramref name="returnWhen"/> or <paramref name="timeout"/>
    /// passes (null = no limit), and returns the futures done and not done at that moment. It never
    /// throws on timeout: check <c>NotDone</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="futures"/> contains null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative, or <paramref name="returnWhen"/> is not a defined value.</exception>
    public static (IReadOnlySet<Future<T>> Done, IReadOnlySet<Future<T>> NotDone) Wait<T>(IEnumerable<Future<T>> futures, TimeSpan? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted)
    {
        var (done, notDone) = WaitCore(futures, timeout, returnWhen);
        return (done, notDone);
    }

    /// <summary>Blocks until the futures satisfy <paramref name="returnWhen"/>; see <see cref="Wait{T}(IEnumerable{Future{T}}, TimeSpan?, ReturnWhen)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="futures"/> contains null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative, or <paramref name="returnWhen"/> is not a defined value.</exception>
    public static (IReadOnlySet<Future> Done, IReadOnlySet<Future> NotDone) Wait(IEnumerable<Future> futures, TimeSpan? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted)
    {
        var (done, notDone) = WaitCore(futures, timeout, returnWhen);
        return (done, notDone);
    }

    private static (HashSet<TFuture> Done, HashSet<TFuture> NotDone) WaitCore<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout, ReturnWhen returnWhen)
        where TFuture : Future
    {
        if (returnWhen is not (ReturnWhen.FirstCompleted or ReturnWhen.FirstException or ReturnWhen.AllCompleted))
        {
            throw new ArgumentOutOfRangeException(nameof(returnWhen), returnWhen, "Pass ReturnWhen.FirstCompleted, FirstException or AllCompleted.");
        }

        var deadline = Deadline.After(timeout);
        var all = ToSet(futures);
        FutureWaiter waiter;
        HashSet<TFuture> done;
        using (new AcquiredFutures<TFuture>(all))
        {
            done = all.Where(f => f.Done).ToHashSet();
            var notDone = all.Where(f => !f.Done).ToHashSet();
            if (notDone.Count == 0
                || (returnWhen == ReturnWhen.FirstCompleted && done.Count > 0)
                || (returnWhen == ReturnWhen.FirstException && done.Any(f => !f.Cancelled && f.FailureOrNull is not null)))
            {
                return (done, notDone);
            }

            waiter = FutureWaiter.Create(returnWhen, notDone.Count, all.First().Monitor);
            foreach (var future in all)
            {
                future.AddWaiterLocked(waiter);
            }
        }

        waiter.Wait(deadline);
        RemoveWaiter(all, waiter);
        foreach (var future in waiter.TakeFinished())
        {
            done.Add((TFuture)future);
        }

        return (done, all.Where(f => !done.Contains(f)).ToHashSet());
    }

    private static IEnumerable<TFuture> AsCompletedCore<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout)
        where TFuture : Future
    {
        var deadline = Deadline.After(timeout);
        var all = ToSet(futures);
        return Iterate(all, deadline);

        static IEnumerable<TFuture> Iterate(HashSet<TFuture> all, Deadline deadline)
        {
            if (all.Count == 0)
            {
                yield break;
            }

            var total = all.Count;
            List<TFuture> finished;
            HashSet<TFuture> pending;
            var waiter = FutureWaiter.ForAsCompleted(all.First().Monitor);
            using (new AcquiredFutures<TFuture>(all))
            {
                finished = all.Where(f => f.Done).ToList();
                pending = all.Where(f => !f.Done).ToHashSet();
                foreach (var future in pending)
                {
                    future.AddWaiterLocked(waiter);
                }
            }

            try
            {
                foreach (var future in finished)
                {
                    yield return future;
                }

                while (pending.Count > 0)
                {
                    if (!waiter.Wait(deadline))
                    {
                        throw new TimeoutException($"{pending.Count} (of {total}) futures unfinished.");
                    }

                    foreach (var future in waiter.TakeFinished())
                    {
                        var typed = (TFuture)future;
                        if (pending.Remove(typed))
                        {
                            RemoveWaiter(typed, waiter);
                            yield return typed;
                        }
                    }
                }
            }
            finally
            {
                RemoveWaiter(pending, waiter);
            }
        }
    }

    private static HashSet<TFuture> ToSet<TFuture>(IEnumerable<TFuture> futures)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        var set = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            if (future is null)
            {
                throw new ArgumentException("The futures must not contain null.", nameof(futures));
            }

            set.Add(future);
        }

        return set;
    }

    private static void RemoveWaiter<TFuture>(IEnumerable<TFuture> futures, FutureWaiter waiter)
        where TFuture : Future
    {
        foreach (var future in futures)
        {
            RemoveWaiter(future, waiter);
        }
    }

    private static void RemoveWaiter(Future future, FutureWaiter waiter)
    {
        future.Gate.Acquire();
        try
        {
            future.RemoveWaiterLocked(waiter);
        }
        finally
        {
            future.Gate.Release();
        }
    }

    /// <summary>Holds the locks of several futures, taken in one global order (CPython's <c>_AcquireFutures</c>).</summary>
    private readonly struct AcquiredFutures<TFuture> : IDisposable
        where TFuture : Future
    {
        private readonly TFuture[] _ordered;

        internal AcquiredFutures(IEnumerable<TFuture> futures)
        {
            _ordered = futures.OrderBy(f => f.Id).ToArray();
            var taken = 0;
            try
            {
                for (; taken < _ordered.Length; taken++)
                {
                    _ordered[taken].Gate.Acquire();
                }
            }
            catch
            {
                for (var i = taken - 1; i >= 0; i--)
                {
                    _ordered[i].Gate.Release();
                }

                throw;
            }
        }

        public void Dispose()
        {
            for (var i = _ordered.Length - 1; i >= 0; i--)
            {
                _ordered[i].Gate.Release();
            }
        }
    }
}
