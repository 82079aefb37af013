namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

public class LockTests
{
    [Fact]
    public void Acquire_and_release_toggle_Locked()
    {
        var gate = new Lock("gate");
        Assert.False(gate.Locked);
        Assert.True(gate.Acquire());
        Assert.True(gate.Locked);
        gate.Release();
        Assert.False(gate.Locked);
    }

    [Fact]
    public void Hold_releases_at_the_end_of_the_using_scope()
    {
        var gate = new Lock();
        using (gate.Hold())
        {
            Assert.True(gate.Locked);
        }

        Assert.False(gate.Locked);
    }

    [Fact]
    public void Releasing_an_unheld_lock_is_an_error_naming_the_lock()
    {
        var gate = new Lock("orders");
        var error = Assert.Throws<SynchronizationLockException>(gate.Release);
        Assert.Contains("orders", error.Message);
    }

    [Fact]
    public void Reacquiring_on_the_owning_thread_throws_SelfDeadlockException_suggesting_RLock()
    {
        var gate = new Lock("accounts");
        gate.Acquire();
        var error = Assert.Throws<SelfDeadlockException>(() => gate.Acquire());
        Assert.Equal("accounts", error.LockName);
        Assert.Contains("accounts", error.Message);
        Assert.Contains("RLock", error.Message);
        Assert.Throws<SelfDeadlockException>(() => gate.Acquire(timeout: TimeSpan.FromMilliseconds(10)));
        Assert.True(gate.Locked);
        gate.Release();
    }

    [Fact]
    public void Nonblocking_acquire_by_the_owner_returns_false_instead_of_throwing()
    {
        var gate = new Lock();
        gate.Acquire();
        Assert.False(gate.Acquire(blocking: false));
        gate.Release();
    }

    [Fact]
    public void Nonblocking_acquire_of_a_lock_held_elsewhere_returns_false_at_once()
    {
        var gate = new Lock();
        HeldByAnotherThread(gate, () => Assert.False(gate.Acquire(blocking: false)));
    }

    [Fact]
    public void Timed_acquire_of_a_busy_lock_returns_false_after_the_timeout()
    {
        var gate = new Lock();
        HeldByAnotherThread(gate, () =>
        {
            var acquired = true;
            var took = Timing.Measure(() => acquired = gate.Acquire(timeout: TimeSpan.FromMilliseconds(50)));
            Assert.False(acquired);
            Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
        });
    }

    [Fact]
    public void A_blocked_acquire_proceeds_when_another_thread_releases()
    {
        var gate = new Lock();
        gate.Acquire();
        Timing.AssertBlocksUntil(() => { gate.Acquire(); gate.Release(); }, gate.Release);
    }

    [Fact]
    public void Any_thread_may_release_a_Lock_as_in_Python()
    {
        var gate = new Lock();
        gate.Acquire();
        var releaser = new System.Threading.Thread(gate.Release);
        releaser.Start();
        releaser.Join();
        Assert.False(gate.Locked);
        Assert.True(gate.Acquire(blocking: false));
        gate.Release();
    }

    [Fact]
    public void Invalid_arguments_are_rejected_with_clear_messages()
    {
        var gate = new Lock();
        var nonBlocking = Assert.Throws<ArgumentException>(() => gate.Acquire(blocking: false, timeout: TimeSpan.FromSeconds(1)));
        Assert.Contains("non-blocking", nonBlocking.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => gate.Acquire(timeout: TimeSpan.FromMilliseconds(-5)));
        Assert.Contains("negative", negative.Message);
        Assert.False(gate.Locked);
    }

    [Fact]
    public void Zero_timeout_tries_once_and_infinite_timespan_means_forever()
    {
        var gate = new Lock();
        Assert.True(gate.Acquire(timeout: TimeSpan.Zero));
        gate.Release();
        Assert.True(gate.Acquire(timeout: Timeout.InfiniteTimeSpan));
        gate.Release();
    }

    [Fact]
    public void Locks_get_default_names_and_show_them()
    {
        var gate = new Lock();
        Assert.StartsWith("Lock-", gate.Name);
        Assert.Contains(gate.Name, gate.ToString());
    }

    [Fact]
    public void Hold_with_timeout_throws_TimeoutException_when_the_lock_stays_busy()
    {
        var gate = new Lock("busy");
        HeldByAnotherThread(gate, () => Assert.Throws<TimeoutException>(() => gate.Hold(TimeSpan.FromMilliseconds(20))));
    }

    internal static void HeldByAnotherThread(Lock gate, Action whileHeld)
    {
        using var held = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var holder = new System.Threading.Thread(() =>
        {
            gate.Acquire();
            held.Set();
            done.Wait();
            gate.Release();
        });
        holder.Start();
        held.Wait();
        try
        {
            whileHeld();
        }
        finally
        {
            done.Set();
            holder.Join();
        }
    }
}
