using Concurrency.Runtime.Futures;
using Concurrency.Runtime.Threading;
using ControlledTask = Microsoft.Coyote.Rewriting.Types.Threading.Tasks.Task;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// A deliberately broken future, kept to show the exploration finds real bugs: <see cref="Wait"/>
/// checks the flag BEFORE taking the lock, so a <see cref="Set"/> landing between the check and the
/// wait is a lost wake-up and the waiter sleeps forever. <see cref="Future"/> checks and waits
/// under one lock; this one does not, and only some interleavings show it.
/// </summary>
internal sealed class BrokenFuture
{
    private readonly Lock _gate = new("broken future", CoyoteMonitor.Instance, checkOrder: false);
    private readonly Condition _done;
    private volatile bool _set;

    public BrokenFuture()
    {
        _done = new Condition(_gate);
    }

    public void Set()
    {
        using (_gate.Hold())
        {
            _set = true;
            _done.NotifyAll();
        }
    }

    public void Wait()
    {
        if (!_set) // BUG: checked without the lock
        {
            using (_gate.Hold())
            {
                _done.Wait(); // BUG: no re-check under the lock
            }
        }
    }
}

/// <summary>
/// A deliberately broken thread pool: its workers leave on the shutdown wake-up WITHOUT passing it
/// on to the next worker (ThreadPoolExecutor puts it back), so with two workers shutdown joins one
/// that sleeps forever.
/// </summary>
internal sealed class BrokenPool
{
    private readonly WorkQueue<Action?> _queue = new(CoyoteMonitor.Instance);
    private readonly List<Task> _workers = new();

    public BrokenPool(int workers)
    {
        for (var i = 0; i < workers; i++)
        {
            _workers.Add(ControlledTask.Run(Work));
        }
    }

    public void Submit(Action work) => _queue.Put(work);

    public void Shutdown()
    {
        _queue.Put(null);
        foreach (var worker in _workers)
        {
            ControlledTask.Wait(worker);
        }
    }

    private void Work()
    {
        while (true)
        {
            var item = _queue.Get();
            if (item is null)
            {
                return; // BUG: ThreadPoolExecutor puts the wake-up back for the next worker
            }

            item();
        }
    }
}
