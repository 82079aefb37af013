namespace Chapter03.LockMistakes.Fixed;

/// <summary>The same account after the fixes: a private gate, released in a finally.</summary>
public sealed class Account
{
    private readonly object _gate = new object();
    private int _balance;

    public int Balance
    {
        get
        {
            lock (_gate)
            {
                return _balance;
            }
        }
    }

    public void Deposit(int amount)
    {
        lock (_gate)
        {
            _balance += amount;
        }
    }

    public void Withdraw(int amount)
    {
        Monitor.Enter(_gate);
        try
        {
            if (amount > _balance)
            {
                throw new InvalidOperationException("Insufficient funds.");
            }

            _balance -= amount;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }
}

/// <summary>The mailbox whose consumer re-checks after every wake-up.</summary>
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
            while (_letter is null)
            {
                if (!Monitor.Wait(_gate, timeout))
                {
                    throw new TimeoutException("No letter arrived in time.");
                }
            }

            var letter = _letter;
            _letter = null;
            return letter;
        }
    }
}
