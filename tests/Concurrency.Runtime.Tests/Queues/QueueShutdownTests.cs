namespace Concurrency.Runtime.Tests.Queues;

using Concurrency.Runtime.Queues;

public class QueueShutdownTests
{
    [Fact]
    public void After_shutdown_put_raises_and_get_drains_then_raises()
    {
        var q = new Queue<int>();
        q.Put(1);
        q.Put(2);
        q.Shutdown();
        Assert.True(q.IsShutDown);
        Assert.Throws<QueueShutDownException>(() => q.Put(3));
        Assert.Throws<QueueShutDownException>(() => q.PutNowait(3));
        Assert.Equal(1, q.Get());
        Assert.Equal(2, q.GetNowait());
        Assert.Throws<QueueShutDownException>(() => q.Get());
        Assert.Throws<QueueShutDownException>(() => q.GetNowait());
    }

    [Fact]
    public void Immediate_shutdown_discards_items_and_releases_join()
    {
        var q = new Queue<int>();
        q.Put(1);
        q.Put(2);
        q.Shutdown(immediate: true);
        Assert.Equal(0, q.QSize);
        Assert.Throws<QueueShutDownException>(() => q.Get());
        Assert.True(q.Join(TimeSpan.Zero));
    }

    [Fact]
    public void Blocked_getters_and_putters_wake_with_QueueShutDownException()
    {
        var empty = new Queue<int>();
        var full = new Queue<int>(maxsize: 1);
        full.Put(0);
        var errors = new Exception?[4];
        var threads = new[]
        {
            new System.Threading.Thread(() => errors[0] = Record.Exception(() => empty.Get())),
            new System.Threading.Thread(() => errors[1] = Record.Exception(() => empty.Get(timeout: Timing.Patience))),
            new System.Threading.Thread(() => errors[2] = Record.Exception(() => full.Put(1))),
            new System.Threading.Thread(() => errors[3] = Record.Exception(() => full.Put(1, timeout: Timing.Patience))),
        };
        foreach (var t in threads)
        {
            t.Start();
        }

        System.Threading.Thread.Sleep(50);
        empty.Shutdown();
        full.Shutdown();
        foreach (var t in threads)
        {
            Assert.True(t.Join(Timing.Patience));
        }

        Assert.All(errors, e => Assert.IsType<QueueShutDownException>(e));
        Assert.Equal(0, full.Get());
    }

    [Fact]
    public async Task Async_waiters_wake_with_QueueShutDownException()
    {
        var q = new Queue<int>(maxsize: 1);
        var getter = q.GetAsync();
        q.Put(1);
        Assert.Equal(1, await getter);
        q.Put(2);
        var putter = q.PutAsync(3).AsTask();
        var empty = new Queue<int>();
        var waitingGet = empty.GetAsync().AsTask();
        q.Shutdown();
        empty.Shutdown();
        await Assert.ThrowsAsync<QueueShutDownException>(() => putter.WaitAsync(Timing.Patience));
        await Assert.ThrowsAsync<QueueShutDownException>(() => waitingGet.WaitAsync(Timing.Patience));
    }
}
