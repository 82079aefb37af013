namespace Chapter03.Lifecycle.Fixed;

using Concurrency.Runtime.Queues;

/// <summary>Every job taken is marked done in a finally: a job whose handling failed is done too, and Join returns.</summary>
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
            try
            {
                handle(job);
            }
            finally
            {
                _queue.TaskDone();
            }
        }
    }
}
