using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Threading.Lock;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>
/// A deliberately broken bounded queue, kept to show that the systematic tests find real bugs. It
/// uses ONE condition for both "not empty" and "not full" and wakes a single waiter: a getter's
/// notification can wake another getter instead of the blocked putter (a lost wake-up), and then
/// every thread waits forever. Ordinary tests rarely hit the interleaving; Coyote does.
/// </summary>
internal sealed class BrokenQueue
{
    private readonly Condition _changed = new(new Lock("broken", CoyoteMonitor.Instance, checkOrder: false));
    private readonly System.Collections.Generic.Queue<int> _items = new();
    private readonly int _capacity;

    public BrokenQueue(int capacity)
    {
        _capacity = capacity;
    }

    public void Put(int item)
    {
        using (_changed.Hold())
        {
            _changed.WaitFor(() => _items.Count < _capacity);
            _items.Enqueue(item);
            _changed.Notify(); // BUG: may wake a putter when a getter is the one that can proceed
        }
    }

    public int Get()
    {
        using (_changed.Hold())
        {
            _changed.WaitFor(() => _items.Count > 0);
            var item = _items.Dequeue();
            _changed.Notify(); // BUG: may wake a getter when a putter is the one that can proceed
            return item;
        }
    }
}
