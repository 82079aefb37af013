namespace Chapter03.LockMistakes.Unsafe;

/// <summary>An account whose lock mistakes the analyzers flag.</summary>
public sealed class Account
{
    private int _balance;

    public int Balance
    {
        get
        {
            lock (this)                                   // CONC104: anyone can lock this object
            {
                return _balance;
            }
        }
    }

    public void Deposit(int amount)
    {
        lock (this)                                       // CONC104
        {
            _balance += amount;
        }
    }

    public void Withdraw(int amount)
    {
        Monitor.Enter(this);                              // CONC104, and CONC103: an exception leaks the lock
        if (amount > _balance)
        {
            throw new InvalidOperationException("Insufficient funds.");
        }

        _balance -= amount;
        Monitor.Exit(this);
    }
}

/// <summary>A one-slot mailbox whose consumer checks its condition only once.</summary>
public sealed class Mailbox
{
    private readonly object _gate = new();
    private string? _letter;

    public void Post(string letter)
    {
        lock (_gate)
        {
            _letter = letter;
            Monitor.PulseAll(_gate);
        }
    }

    public string Take(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_letter is null)
            {
                Monitor.Wait(_gate, timeout);             // CONC105: woken, the letter may be gone
            }

            var letter = _letter ?? throw new InvalidOperationException("Woke up to an empty mailbox.");
            _letter = null;
            return letter;
        }
    }
}
