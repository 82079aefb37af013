namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

[Collection(GlobalStateCollection.Name)]
public sealed class LockOrderCheckingTests : IDisposable
{
    public LockOrderCheckingTests()
    {
        LockOrderChecking.Reset();
        LockOrderChecking.Enable();
    }

    public void Dispose()
    {
        LockOrderChecking.Disable();
        LockOrderChecking.Reset();
    }

    [Fact]
    public void Off_by_default_after_Disable_and_unchecked_locks_never_complain()
    {
        LockOrderChecking.Disable();
        Assert.False(LockOrderChecking.IsEnabled);
        var a = new Lock("a");
        var b = new Lock("b");
        Nested(a, b);
        Nested(b, a);
    }

    [Fact]
    public void Inverted_order_throws_PotentialDeadlockException_naming_both_orders()
    {
        var a = new Lock("accounts");
        var b = new Lock("orders");
        Nested(a, b);

        b.Acquire();
        var error = Assert.Throws<PotentialDeadlockException>(() => a.Acquire());
        b.Release();

        Assert.Equal(new[] { "accounts", "orders" }, error.EstablishedOrder);
        Assert.Equal(new[] { "orders", "accounts" }, error.AttemptedOrder);
        Assert.Contains("'accounts' -> 'orders'", error.Message);
        Assert.Contains("'orders' -> 'accounts'", error.Message);
        Assert.False(a.Locked);
    }

    [Fact]
    public void The_inversion_is_found_across_threads_before_anyone_blocks()
    {
        var a = new Lock("a");
        var b = new Lock("b");
        var first = new System.Threading.Thread(() => Nested(a, b));
        first.Start();
        first.Join();

        Exception? error = null;
        var second = new System.Threading.Thread(() => error = Record.Exception(() => Nested(b, a)));
        second.Start();
        second.Join();
        Assert.IsType<PotentialDeadlockException>(error);
        Assert.False(a.Locked);
        Assert.False(b.Locked);
    }

    [Fact]
    public void Longer_cycles_are_found_with_the_whole_established_path()
    {
        var a = new Lock("a");
        var b = new Lock("b");
        var c = new Lock("c");
        Nested(a, b);
        Nested(b, c);

        c.Acquire();
        var error = Assert.Throws<PotentialDeadlockException>(() => a.Acquire());
        c.Release();
        Assert.Equal(new[] { "a", "b", "c" }, error.EstablishedOrder);
    }

    [Fact]
    public void Consistent_orders_and_RLock_reentry_are_fine()
    {
        var a = new RLock("outer");
        var b = new Lock("inner");
        for (var i = 0; i < 3; i++)
        {
            using (a.Hold())
            using (a.Hold())
            using (b.Hold())
            {
                Assert.True(b.Locked);
            }
        }

        var c = new Lock("c");
        b.Acquire();
        var error = Assert.Throws<PotentialDeadlockException>(() => a.Acquire());
        b.Release();
        Assert.Contains("outer", error.Message);
        Assert.Equal(0, a.Count);
        Nested(b, c);
    }

    [Fact]
    public void Reset_forgets_recorded_orders()
    {
        var a = new Lock("a");
        var b = new Lock("b");
        Nested(a, b);
        LockOrderChecking.Reset();
        Nested(b, a);
        Assert.False(a.Locked || b.Locked);
    }

    private static void Nested(IAcquirable outer, IAcquirable inner)
    {
        using (outer.Hold())
        using (inner.Hold())
        {
        }
    }
}
