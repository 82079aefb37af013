namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;
using Thread = Concurrency.Runtime.Threading.Thread;
using Timer = Concurrency.Runtime.Threading.Timer;

public class TimerTests
{
    [Fact]
    public void A_timer_calls_its_function_after_the_interval()
    {
        var fired = new Event();
        var timer = new Timer(TimeSpan.FromMilliseconds(50), fired.Set);
        var took = Timing.Measure(() =>
        {
            timer.Start();
            Assert.True(fired.Wait(Timing.Patience));
        });
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"fired after {took}");
        timer.Join();
        Assert.True(timer.Finished);
    }

    [Fact]
    public void A_cancelled_timer_never_calls_its_function()
    {
        var calls = 0;
        var timer = new Timer(TimeSpan.FromSeconds(30), () => calls++);
        timer.Start();
        timer.Cancel();
        Assert.True(timer.Join(Timing.Patience));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void A_timer_passes_arguments_and_rejects_a_negative_interval()
    {
        var got = string.Empty;
        var timer = new Timer(TimeSpan.Zero, (Action<string, int>)((s, n) => got = s + n), new object?[] { "x", 1 });
        timer.Start();
        timer.Join();
        Assert.Equal("x1", got);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Timer(TimeSpan.FromSeconds(-1), () => { }));
    }
}

public class LocalTests
{
    [Fact]
    public void Each_thread_sees_its_own_value()
    {
        using var local = new Local<int>(() => 10);
        local.Value = 1;
        var seen = new int[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            seen[i] = local.Value;
            local.Value = 100 + i;
            seen[i] += local.Value;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(new[] { 110, 111 }, seen);
        Assert.Equal(1, local.Value);
        Assert.True(local.HasValue);
    }

    [Fact]
    public void Without_a_factory_the_value_starts_as_default()
    {
        using var local = new Local<string?>();
        Assert.False(local.HasValue);
        Assert.Null(local.Value);
    }
}
