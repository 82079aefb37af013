namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

public class RLockTests
{
    [Fact]
    public void The_owner_can_reacquire_and_must_release_as_often()
    {
        var gate = new RLock("tree");
        Assert.True(gate.Acquire());
        Assert.True(gate.Acquire());
        Assert.Equal(2, gate.Count);
        gate.Release();
        Assert.Equal(1, gate.Count);
        Assert.False(LockIsFreeForOthers(gate));
        gate.Release();
        Assert.Equal(0, gate.Count);
        Assert.True(LockIsFreeForOthers(gate));
    }

    [Fact]
    public void Release_by_a_thread_that_does_not_own_it_is_an_error()
    {
        var gate = new RLock("shared");
        var error = Assert.Throws<SynchronizationLockException>(gate.Release);
        Assert.Contains("shared", error.Message);

        gate.Acquire();
        Exception? fromOther = null;
        var other = new System.Threading.Thread(() => fromOther = Record.Exception(gate.Release));
        other.Start();
        other.Join();
        Assert.IsType<SynchronizationLockException>(fromOther);
        Assert.Equal(1, gate.Count);
        gate.Release();
    }

    [Fact]
    public void Other_threads_wait_until_the_last_level_is_released()
    {
        var gate = new RLock();
        gate.Acquire();
        gate.Acquire();
        gate.Release();
        Timing.AssertBlocksUntil(() => { gate.Acquire(); gate.Release(); }, gate.Release);
    }

    [Fact]
    public void Nonblocking_and_timed_acquire_fail_while_another_thread_owns_it()
    {
        var gate = new RLock();
        using var held = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var owner = new System.Threading.Thread(() =>
        {
            gate.Acquire();
            held.Set();
            done.Wait();
            gate.Release();
        });
        owner.Start();
        held.Wait();
        Assert.False(gate.Acquire(blocking: false));
        var took = Timing.Measure(() => Assert.False(gate.Acquire(timeout: TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
        done.Set();
        owner.Join();
        Assert.Throws<ArgumentException>(() => gate.Acquire(blocking: false, timeout: TimeSpan.Zero));
    }

    [Fact]
    public void Hold_scopes_nest()
    {
        var gate = new RLock();
        using (gate.Hold())
        {
            using (gate.Hold())
            {
                Assert.Equal(2, gate.Count);
            }

            Assert.Equal(1, gate.Count);
        }

        Assert.Equal(0, gate.Count);
    }

    private static bool LockIsFreeForOthers(RLock gate)
    {
        var free = false;
        var probe = new System.Threading.Thread(() =>
        {
            free = gate.Acquire(blocking: false);
            if (free)
            {
                gate.Release();
            }
        });
        probe.Start();
        probe.Join();
        return free;
    }
}
