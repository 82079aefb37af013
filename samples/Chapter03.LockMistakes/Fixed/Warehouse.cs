namespace Chapter03.LockMistakes.Fixed;

/// <summary>Told when the stock changes.</summary>
public interface IStockListener
{
    void Changed(int count);
}

/// <summary>
/// No lock is held while calling out: the warehouse reads its count under the shelves' lock, lets
/// go, then tells the listener. The only order left is book → shelves.
/// </summary>
public sealed class Warehouse
{
    internal static readonly object Shelves = new object();
    private readonly IStockListener _listener;
    private int _count;

    public Warehouse(IStockListener listener) => _listener = listener;

    public void Receive(int items)
    {
        int count;
        lock (Shelves)
        {
            _count += items;
            count = _count;
        }

        _listener.Changed(count);
    }
}

/// <summary>Reorders when stock runs low, and audits against the shelves.</summary>
public sealed class Purchasing : IStockListener
{
    private static readonly object Book = new object();
    private int _orders;

    public void Changed(int count)
    {
        lock (Book)
        {
            if (count < 10)
            {
                _orders++;
            }
        }
    }

    public int Audit()
    {
        lock (Book)
        {
            lock (Warehouse.Shelves)
            {
                return _orders;
            }
        }
    }
}
