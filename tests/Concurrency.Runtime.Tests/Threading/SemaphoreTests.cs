namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

public class SemaphoreTests
{
    [Fact]
    public void Acquire_counts_down_and_fails_without_blocking_at_zero()
    {
        var sem = new Semaphore(2);
        Assert.True(sem.Acquire());
        Assert.True(sem.Acquire(blocking: false));
        Assert.Equal(0, sem.Value);
        Assert.False(sem.Acquire(blocking: false));
        var took = Timing.Measure(() => Assert.False(sem.Acquire(timeout: TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
        sem.Release(2);
        Assert.Equal(2, sem.Value);
    }

    [Fact]
    public void Release_wakes_a_blocked_acquirer()
    {
        var sem = new Semaphore(0);
        Timing.AssertBlocksUntil(() => sem.Acquire(), sem.Release);
        Assert.Equal(0, sem.Value);
    }

    [Fact]
    public void Plain_semaphore_may_be_released_above_its_initial_value()
    {
        var sem = new Semaphore(1);
        sem.Release();
        Assert.Equal(2, sem.Value);
    }

    [Fact]
    public void BoundedSemaphore_refuses_release_above_initial_value()
    {
        var sem = new BoundedSemaphore(2);
        sem.Acquire();
        sem.Release();
        var error = Assert.Throws<SemaphoreFullException>(() => sem.Release());
        Assert.Contains("too many times", error.Message);
        Assert.Equal(2, sem.Value);
        sem.Acquire();
        Assert.Throws<SemaphoreFullException>(() => sem.Release(2));
        Assert.Equal(1, sem.Value);
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Semaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedSemaphore(-1));
        var sem = new Semaphore();
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Release(0));
        Assert.Throws<ArgumentException>(() => sem.Acquire(blocking: false, timeout: TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Acquire(timeout: TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Hold_takes_and_returns_a_unit()
    {
        var sem = new Semaphore(1);
        using (sem.Hold())
        {
            Assert.Equal(0, sem.Value);
        }

        Assert.Equal(1, sem.Value);
    }
}
