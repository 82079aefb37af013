namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

public class ConditionTests
{
    [Fact]
    public void Wait_without_holding_the_lock_is_an_error_and_so_is_notify()
    {
        var cond = new Condition();
        Assert.Throws<SynchronizationLockException>(() => cond.Wait(TimeSpan.Zero));
        Assert.Throws<SynchronizationLockException>(() => cond.Notify());
        Assert.Throws<SynchronizationLockException>(cond.NotifyAll);
        Assert.Throws<SynchronizationLockException>(() => cond.WaitFor(() => true));
    }

    [Fact]
    public void Wait_times_out_returning_false_with_the_lock_held_again()
    {
        var gate = new Lock("cond-lock");
        var cond = new Condition(gate);
        using (cond.Hold())
        {
            var result = true;
            var took = Timing.Measure(() => result = cond.Wait(TimeSpan.FromMilliseconds(50)));
            Assert.False(result);
            Assert.True(took >= TimeSpan.FromMilliseconds(40), $"returned after {took}");
            Assert.True(gate.Locked);
        }

        Assert.False(gate.Locked);
    }

    [Fact]
    public void Notify_wakes_a_waiter_which_sees_the_change()
    {
        var cond = new Condition();
        var ready = false;
        var seen = false;
        var waiter = new System.Threading.Thread(() =>
        {
            using (cond.Hold())
            {
                seen = cond.WaitFor(() => ready, Timing.Patience);
            }
        });
        waiter.Start();
        System.Threading.Thread.Sleep(20);
        using (cond.Hold())
        {
            ready = true;
            cond.Notify();
        }

        waiter.Join();
        Assert.True(seen);
    }

    [Fact]
    public void Notify_n_wakes_exactly_n_waiters_and_NotifyAll_the_rest()
    {
        var cond = new Condition(new Lock());
        var woken = 0;
        var waiting = 0;
        var threads = Enumerable.Range(0, 5).Select(_ => new System.Threading.Thread(() =>
        {
            using (cond.Hold())
            {
                waiting++;
                if (cond.Wait(Timing.Patience))
                {
                    woken++;
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        SpinWait.SpinUntil(() => { using (cond.Hold()) { return waiting == 5; } });

        using (cond.Hold())
        {
            cond.Notify(2);
        }

        SpinWait.SpinUntil(() => { using (cond.Hold()) { return woken == 2; } }, Timing.Patience);
        System.Threading.Thread.Sleep(50);
        using (cond.Hold())
        {
            Assert.Equal(2, woken);
            cond.NotifyAll();
        }

        threads.ForEach(t => t.Join());
        Assert.Equal(5, woken);
    }

    [Fact]
    public void A_timed_out_waiter_does_not_swallow_a_notification()
    {
        var cond = new Condition(new Lock());
        var longWaiterWoken = false;
        var shortWaiter = new System.Threading.Thread(() =>
        {
            using (cond.Hold())
            {
                cond.Wait(TimeSpan.FromMilliseconds(1));
            }
        });
        var longWaiter = new System.Threading.Thread(() =>
        {
            using (cond.Hold())
            {
                longWaiterWoken = cond.Wait(Timing.Patience);
            }
        });
        shortWaiter.Start();
        shortWaiter.Join();
        longWaiter.Start();
        System.Threading.Thread.Sleep(30);
        using (cond.Hold())
        {
            cond.Notify();
        }

        longWaiter.Join();
        Assert.True(longWaiterWoken);
    }

    [Fact]
    public void Waiting_on_an_RLock_condition_releases_every_level_and_restores_them()
    {
        var gate = new RLock();
        var cond = new Condition(gate);
        gate.Acquire();
        gate.Acquire();
        var otherGotIn = false;
        var other = new System.Threading.Thread(() =>
        {
            using (cond.Hold())
            {
                otherGotIn = true;
                cond.Notify();
            }
        });
        other.Start();
        Assert.True(cond.WaitFor(() => otherGotIn, Timing.Patience));
        Assert.Equal(2, gate.Count);
        gate.Release();
        gate.Release();
        other.Join();
    }

    [Fact]
    public void WaitFor_returns_the_last_predicate_value_on_timeout()
    {
        var cond = new Condition();
        using (cond.Hold())
        {
            var calls = 0;
            Assert.False(cond.WaitFor(() => ++calls > 100, TimeSpan.FromMilliseconds(30)));
            Assert.True(calls >= 1);
            Assert.True(cond.WaitFor(() => true, TimeSpan.Zero));
        }
    }

    [Fact]
    public void Arguments_are_validated()
    {
        var cond = new Condition();
        using (cond.Hold())
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => cond.Notify(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => cond.Wait(TimeSpan.FromSeconds(-1)));
            Assert.Throws<ArgumentNullException>(() => cond.WaitFor(null!));
        }

        Assert.Throws<ArgumentNullException>(() => new Condition((Lock)null!));
    }
}
