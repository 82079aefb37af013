namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;
using Barrier = Concurrency.Runtime.Threading.Barrier;

public class BarrierTests
{
    [Fact]
    public void Wait_releases_all_parties_with_distinct_indexes_and_runs_the_action_once()
    {
        var actions = 0;
        var barrier = new Barrier(3, () => actions++);
        var indexes = new int[3];
        var threads = Enumerable.Range(0, 3).Select(i => new System.Threading.Thread(() => indexes[i] = barrier.Wait(Timing.Patience))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(new[] { 0, 1, 2 }, indexes.Order());
        Assert.Equal(1, actions);
        Assert.Equal(0, barrier.Waiting);
        Assert.False(barrier.Broken);
        Assert.Equal(3, barrier.Parties);
    }

    [Fact]
    public void A_timeout_breaks_the_barrier_for_everyone()
    {
        var barrier = new Barrier(2);
        var took = Timing.Measure(() => Assert.Throws<BrokenBarrierException>(() => barrier.Wait(TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"broke after {took}");
        Assert.True(barrier.Broken);
        Assert.Throws<BrokenBarrierException>(() => barrier.Wait(TimeSpan.FromSeconds(1)));
        barrier.Reset();
        Assert.False(barrier.Broken);
    }

    [Fact]
    public void Abort_wakes_waiters_with_BrokenBarrierException_and_Reset_makes_it_usable_again()
    {
        var barrier = new Barrier(3);
        Exception? error = null;
        var waiter = new System.Threading.Thread(() => error = Record.Exception(() => barrier.Wait()));
        waiter.Start();
        SpinWait.SpinUntil(() => barrier.Waiting == 1, Timing.Patience);
        barrier.Abort();
        waiter.Join();
        Assert.IsType<BrokenBarrierException>(error);

        barrier.Reset();
        var threads = Enumerable.Range(0, 3).Select(_ => new System.Threading.Thread(() => barrier.Wait(Timing.Patience))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.False(barrier.Broken);
    }

    [Fact]
    public void Reset_while_threads_wait_breaks_their_round()
    {
        var barrier = new Barrier(2);
        Exception? error = null;
        var waiter = new System.Threading.Thread(() => error = Record.Exception(() => barrier.Wait()));
        waiter.Start();
        SpinWait.SpinUntil(() => barrier.Waiting == 1, Timing.Patience);
        barrier.Reset();
        waiter.Join();
        Assert.IsType<BrokenBarrierException>(error);
        Assert.False(barrier.Broken);
    }

    [Fact]
    public void A_failing_action_breaks_the_barrier()
    {
        var barrier = new Barrier(1, () => throw new InvalidOperationException("boom"));
        var error = Assert.Throws<BrokenBarrierException>(() => barrier.Wait());
        Assert.Equal("boom", error.InnerException?.Message);
        Assert.True(barrier.Broken);
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Barrier(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Barrier(1, timeout: TimeSpan.FromSeconds(-1)));
    }
}
