namespace Chapter03.LockMistakes.Fixed;

/// <summary>One order everywhere: _accounts, then _audit.</summary>
public sealed class Ledger
{
    private readonly object _accounts = new object();
    private readonly object _audit = new object();
    private int _posted;

    public void Post()
    {
        lock (_accounts)
        {
            lock (_audit)
            {
                _posted++;
            }
        }
    }

    public int Check()
    {
        lock (_accounts)
        {
            lock (_audit)
            {
                return _posted;
            }
        }
    }
}
