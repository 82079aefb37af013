namespace Chapter03.LockMistakes.Unsafe;

/// <summary>Told when the stock changes.</summary>
public interface IStockListener
{
    void Changed(int count);
}

/// <summary>
/// An inversion across two types and an interface: the warehouse calls its listener while holding
/// its shelves, and purchasing's listener takes the order book; purchasing's audit takes the book,
/// then the shelves. CONC101 reports it at compilation end (every build; full-solution analysis in the IDE).
/// </summary>
public sealed class Warehouse
{
    internal static readonly object Shelves = new object();
    private readonly IStockListener _listener;
    private int _count;

    public Warehouse(IStockListener listener) => _listener = listener;

    public void Receive(int items)
    {
        lock (Shelves)
        {
            _count += items;
            _listener.Changed(_count);                    // CONC101: Purchasing.Changed takes the book
        }
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
            lock (Warehouse.Shelves)                      // CONC101: Warehouse.Receive takes them the other way round
            {
                return _orders;
            }
        }
    }
}
