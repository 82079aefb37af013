namespace Chapter03.LockMistakes.Unsafe;

/// <summary>Two locks taken in opposite orders by two methods: CONC101 reports both sites.</summary>
public sealed class Ledger
{
    private readonly object _accounts = new object();
    private readonly object _audit = new object();
    private int _posted;

    public void Post()
    {
        lock (_accounts)
        {
            lock (_audit)                                 // CONC101: Check takes them the other way round
            {
                _posted++;
            }
        }
    }

    public int Check()
    {
        lock (_audit)
        {
            return CountAccounts();                       // CONC101: takes _accounts while holding _audit
        }
    }

    private int CountAccounts()
    {
        lock (_accounts)
        {
            return _posted;
        }
    }
}
