namespace Concurrency.Runtime.Tests.Queues;

using Concurrency.Runtime.Queues;

public class QueueTests
{
    [Fact]
    public void Items_come_out_first_in_first_out_and_sizes_follow()
    {
        var q = new Queue<int>(maxsize: 3);
        Assert.True(q.Empty);
        q.Put(1);
        q.Put(2);
        q.PutNowait(3);
        Assert.Equal(3, q.QSize);
        Assert.True(q.Full);
        Assert.Equal(3, q.MaxSize);
        Assert.Equal(new[] { 1, 2, 3 }, new[] { q.Get(), q.GetNowait(), q.Get() });
        Assert.True(q.Empty);
        Assert.False(q.Full);
    }

    [Fact]
    public void An_unbounded_queue_is_never_full()
    {
        var q = new Queue<int>();
        for (var i = 0; i < 10_000; i++)
        {
            q.PutNowait(i);
        }

        Assert.False(q.Full);
        Assert.Equal(10_000, q.QSize);
    }

    [Fact]
    public void Nonblocking_get_on_empty_and_put_on_full_throw_the_specific_exceptions()
    {
        var q = new Queue<string>(maxsize: 1);
        Assert.Throws<QueueEmptyException>(() => q.GetNowait());
        Assert.Throws<QueueEmptyException>(() => q.Get(block: false));
        q.Put("a");
        Assert.Throws<QueueFullException>(() => q.PutNowait("b"));
        Assert.Throws<QueueFullException>(() => q.Put("b", block: false, timeout: TimeSpan.FromSeconds(5)));
        Assert.Equal("a", q.Get());
    }

    [Fact]
    public void Get_with_a_timeout_raises_Empty_after_waiting()
    {
        var q = new Queue<int>();
        var took = Timing.Measure(() => Assert.Throws<QueueEmptyException>(() => q.Get(timeout: TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
    }

    [Fact]
    public void Put_with_a_timeout_raises_Full_after_waiting()
    {
        var q = new Queue<int>(maxsize: 1);
        q.Put(1);
        var took = Timing.Measure(() => Assert.Throws<QueueFullException>(() => q.Put(2, timeout: TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
        Assert.Equal(1, q.QSize);
    }

    [Fact]
    public void A_blocked_get_receives_the_next_put()
    {
        var q = new Queue<int>();
        var got = 0;
        Timing.AssertBlocksUntil(() => got = q.Get(), () => q.Put(42));
        Assert.Equal(42, got);
    }

    [Fact]
    public void A_blocked_put_proceeds_when_a_get_makes_room()
    {
        var q = new Queue<int>(maxsize: 1);
        q.Put(1);
        Timing.AssertBlocksUntil(() => q.Put(2), () => Assert.Equal(1, q.Get()));
        Assert.Equal(2, q.Get());
    }

    [Fact]
    public void Join_waits_for_every_TaskDone()
    {
        var q = new Queue<int>();
        Assert.True(q.Join(TimeSpan.Zero));
        q.Put(1);
        q.Put(2);
        Assert.False(q.Join(TimeSpan.FromMilliseconds(20)));
        q.Get();
        q.TaskDone();
        q.Get();
        Timing.AssertBlocksUntil(() => Assert.True(q.Join()), q.TaskDone);
    }

    [Fact]
    public void Too_many_TaskDone_calls_are_an_error()
    {
        var q = new Queue<int>();
        q.Put(1);
        q.Get();
        q.TaskDone();
        var error = Assert.Throws<InvalidOperationException>(q.TaskDone);
        Assert.Contains("too many times", error.Message);
    }

    [Fact]
    public void Arguments_are_validated()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Queue<int>(-1));
        Assert.Contains("maxsize", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LifoQueue<int>(-3));
        var q = new Queue<int>();
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Get(timeout: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Put(1, timeout: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Join(TimeSpan.FromSeconds(-1)));
        Assert.True(q.Empty);
    }
}

public class LifoAndPriorityQueueTests
{
    [Fact]
    public void LifoQueue_returns_the_newest_item_first()
    {
        var q = new LifoQueue<int>(maxsize: 3);
        q.Put(1);
        q.Put(2);
        q.Put(3);
        Assert.Throws<QueueFullException>(() => q.PutNowait(4));
        Assert.Equal(new[] { 3, 2, 1 }, new[] { q.Get(), q.Get(), q.Get() });
    }

    [Fact]
    public void PriorityQueue_returns_the_lowest_first_and_is_stable_for_equal_priorities()
    {
        var q = new PriorityQueue<(int Priority, string Name)>(comparer: Comparer<(int Priority, string Name)>.Create((a, b) => a.Priority.CompareTo(b.Priority)));
        q.Put((2, "b1"));
        q.Put((1, "a1"));
        q.Put((2, "b2"));
        q.Put((1, "a2"));
        q.Put((2, "b3"));
        var order = Enumerable.Range(0, 5).Select(_ => q.Get().Name).ToArray();
        Assert.Equal(new[] { "a1", "a2", "b1", "b2", "b3" }, order);
    }

    [Fact]
    public void PriorityQueue_uses_the_default_comparer_and_honours_maxsize()
    {
        var q = new PriorityQueue<int>(maxsize: 2);
        q.Put(5);
        q.Put(3);
        Assert.True(q.Full);
        Assert.Throws<QueueFullException>(() => q.Put(1, timeout: TimeSpan.FromMilliseconds(1)));
        Assert.Equal(3, q.Get());
        Assert.Equal(5, q.Get());
    }
}

public class SimpleQueueTests
{
    [Fact]
    public void SimpleQueue_is_an_unbounded_fifo_whose_get_blocks_and_times_out()
    {
        var q = new SimpleQueue<string>();
        Assert.True(q.Empty);
        q.Put("a");
        q.PutNowait("b");
        Assert.Equal(2, q.QSize);
        Assert.Equal("a", q.Get());
        Assert.Equal("b", q.GetNowait());
        Assert.Throws<QueueEmptyException>(() => q.GetNowait());
        var took = Timing.Measure(() => Assert.Throws<QueueEmptyException>(() => q.Get(timeout: TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"gave up after {took}");
        var got = string.Empty;
        Timing.AssertBlocksUntil(() => got = q.Get(), () => q.Put("c"));
        Assert.Equal("c", got);
    }

    [Fact]
    public async Task SimpleQueue_GetAsync_waits_for_a_put()
    {
        var q = new SimpleQueue<int>();
        var pending = q.GetAsync();
        Assert.False(pending.IsCompleted);
        q.Put(9);
        Assert.Equal(9, await pending.AsTask().WaitAsync(Timing.Patience));
    }
}
