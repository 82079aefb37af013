namespace Chapter03.SharedState.Unsafe;

using Concurrency.Runtime;

/// <summary>
/// A bank account used from several threads. <c>Deposit</c> takes the lock; <c>Withdraw</c>
/// forgets it (CONC302: written under '_gate' elsewhere), and <c>Audit</c> reads a field declared
/// <c>[GuardedBy]</c> without its lock (CONC305).
/// </summary>
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
        _balance -= amount;
    }

    public int Audit() => _operations;

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
