namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;

public class EventTests
{
    [Fact]
    public void Set_Clear_IsSet()
    {
        var ev = new Event();
        Assert.False(ev.IsSet);
        ev.Set();
        Assert.True(ev.IsSet);
        Assert.True(ev.Wait(TimeSpan.Zero));
        ev.Clear();
        Assert.False(ev.IsSet);
    }

    [Fact]
    public void Wait_times_out_with_false()
    {
        var ev = new Event();
        var result = true;
        var took = Timing.Measure(() => result = ev.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.False(result);
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"returned after {took}");
        Assert.Throws<ArgumentOutOfRangeException>(() => ev.Wait(TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void Set_wakes_every_waiter()
    {
        var ev = new Event();
        var woken = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new System.Threading.Thread(() =>
        {
            if (ev.Wait(Timing.Patience))
            {
                Interlocked.Increment(ref woken);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        System.Threading.Thread.Sleep(30);
        Assert.Equal(0, Volatile.Read(ref woken));
        ev.Set();
        threads.ForEach(t => t.Join());
        Assert.Equal(4, woken);
    }
}
