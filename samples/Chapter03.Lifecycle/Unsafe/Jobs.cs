namespace Chapter03.Lifecycle.Unsafe;

using Concurrency.Runtime.Queues;

/// <summary>
/// Course topics 2.9 and 3.8: Join on a queue waits until every item put has been marked done. The
/// consumer marks a job done after handling it — but when handling throws, TaskDone is skipped, the
/// job stays unfinished for ever, and Join never returns (CONC207 names the call that throws).
/// </summary>
public sealed class Jobs
{
    private readonly Queue<string> _queue = new Queue<string>();

    public void Put(string job) => _queue.Put(job);

    /// <summary>Waits until every job put has been marked done; false when that did not happen within <paramref name="timeout"/>.</summary>
    public bool WaitAll(TimeSpan timeout) => _queue.Join(timeout);

    public void Consume(Action<string> handle)
    {
        while (true)
        {
            var job = _queue.Get();
            handle(job);
            _queue.TaskDone();
        }
    }
}
