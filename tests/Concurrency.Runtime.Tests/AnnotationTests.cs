namespace Concurrency.Runtime.Tests;

using System.Reflection;
using Concurrency.Runtime;

public class AnnotationTests
{
    [Fact]
    public void GuardedBy_and_RequiresLock_record_the_lock_member_name()
    {
        var field = typeof(Account).GetField("_balance", BindingFlags.NonPublic | BindingFlags.Instance)!;
        Assert.Equal("_gate", field.GetCustomAttribute<GuardedByAttribute>()!.LockName);
        var method = typeof(Account).GetMethod("AddLocked", BindingFlags.NonPublic | BindingFlags.Instance)!;
        Assert.Equal("_gate", method.GetCustomAttribute<RequiresLockAttribute>()!.LockName);
        Assert.Equal(7, new Account().Deposit(7));
    }

    [Fact]
    public void Annotations_reject_an_empty_lock_name()
    {
        Assert.Throws<ArgumentException>(() => new GuardedByAttribute(""));
        Assert.Throws<ArgumentException>(() => new RequiresLockAttribute(" "));
    }

    private sealed class Account
    {
        private readonly Concurrency.Runtime.Threading.Lock _gate = new();

        [GuardedBy(nameof(_gate))]
        private int _balance;

        public int Deposit(int amount)
        {
            using (Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_gate))
            {
                return AddLocked(amount);
            }
        }

        [RequiresLock(nameof(_gate))]
        private int AddLocked(int amount) => _balance += amount;
    }
}
