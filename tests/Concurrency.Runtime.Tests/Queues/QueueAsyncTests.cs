namespace Concurrency.Runtime.Tests.Queues;

using Concurrency.Runtime.Queues;

public class QueueAsyncTests
{
    [Fact]
    public async Task GetAsync_completes_at_once_when_an_item_is_there_and_waits_otherwise()
    {
        var q = new Queue<int>();
        q.Put(1);
        Assert.Equal(1, await q.GetAsync());
        var pending = q.GetAsync().AsTask();
        await Task.Delay(20);
        Assert.False(pending.IsCompleted);
        q.Put(2);
        Assert.Equal(2, await pending.WaitAsync(Timing.Patience));
    }

    [Fact]
    public async Task PutAsync_waits_for_room()
    {
        var q = new Queue<int>(maxsize: 1);
        await q.PutAsync(1);
        var pending = q.PutAsync(2).AsTask();
        await Task.Delay(20);
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, q.Get());
        await pending.WaitAsync(Timing.Patience);
        Assert.Equal(2, q.Get());
    }

    [Fact]
    public async Task Cancellation_ends_the_wait_and_leaves_the_queue_intact()
    {
        var q = new Queue<int>(maxsize: 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => q.GetAsync(cts.Token).AsTask());
        q.Put(1);
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => q.PutAsync(2, cts2.Token).AsTask());
        Assert.Equal(1, q.QSize);
        Assert.Equal(1, await q.GetAsync());

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        q.Put(5);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => q.GetAsync(cancelled.Token).AsTask());
        Assert.Equal(5, q.Get());
    }

    [Fact]
    public async Task Async_and_blocking_consumers_share_the_items_exactly_once()
    {
        var q = new Queue<int>(maxsize: 8);
        const int Items = 20_000;
        var seen = new int[Items];
        var asyncConsumer = Task.Run(async () =>
        {
            while (true)
            {
                var item = await q.GetAsync();
                if (item < 0)
                {
                    return;
                }

                Interlocked.Increment(ref seen[item]);
            }
        });
        var blockingConsumer = new System.Threading.Thread(() =>
        {
            while (q.Get() is var item && item >= 0)
            {
                Interlocked.Increment(ref seen[item]);
            }
        });
        blockingConsumer.Start();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                if (i % 2 == 0)
                {
                    await q.PutAsync(i);
                }
                else
                {
                    q.Put(i);
                }
            }

            q.Put(-1);
            q.Put(-1);
        });
        await producer.WaitAsync(Timing.Patience);
        await asyncConsumer.WaitAsync(Timing.Patience);
        Assert.True(blockingConsumer.Join(Timing.Patience));
        Assert.All(seen, count => Assert.Equal(1, count));
    }
}
