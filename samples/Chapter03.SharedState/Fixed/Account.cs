namespace Chapter03.SharedState.Fixed;

using Concurrency.Runtime;

/// <summary>The account with the fixes of CONC302 and CONC305: every access of its fields takes the lock.</summary>
public sealed class Account
{
    private readonly object _gate = new();
    private decimal _balance;

    [GuardedBy(nameof(_gate))]
    private int _operations;

    public void Deposit(decimal amount)
    {
        lock (_gate)
        {
            _balance += amount;
            _operations++;
        }
    }

    public void Withdraw(decimal amount)
    {
        lock (_gate)
        {
            _balance -= amount;
        }
    }

    public int Audit()
    {
        lock (_gate)
        {
            return _operations;
        }
    }

    public decimal Balance
    {
        get
        {
            lock (_gate)
            {
                return _balance;
            }
        }
    }
}
