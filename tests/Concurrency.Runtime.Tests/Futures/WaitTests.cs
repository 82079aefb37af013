using Concurrency.Runtime.Futures;
using FuturesApi = Concurrency.Runtime.Futures.Futures;

namespace Concurrency.Runtime.Tests.Futures;

/// <summary>CPython test_concurrent_futures' WaitTests and AsCompletedTests.</summary>
public class WaitTests
{
    private static Future<int> Finished(int value)
    {
        var f = new Future<int>();
        f.SetResult(value);
        return f;
    }

    private static Future<int> Failed()
    {
        var f = new Future<int>();
        f.SetException(new InvalidOperationException("failed"));
        return f;
    }

    private static Future<int> CancelledFuture()
    {
        var f = new Future<int>();
        f.Cancel();
        return f;
    }

    private static void AssertSplit<TFuture>(IReadOnlySet<TFuture> done, IReadOnlySet<TFuture> notDone, TFuture[] expectedDone, TFuture[] expectedNotDone)
    {
        Assert.True(done.SetEquals(expectedDone), $"done: {done.Count} futures");
        Assert.True(notDone.SetEquals(expectedNotDone), $"not done: {notDone.Count} futures");
    }

    [Fact]
    public void Wait_all_completed_returns_every_done_future()
    {
        var a = Finished(1);
        var b = new Future<int>();
        var setter = new System.Threading.Thread(() => { System.Threading.Thread.Sleep(30); b.SetResult(2); });
        setter.Start();
        var (done, notDone) = FuturesApi.Wait(new[] { a, b }, Timing.Patience);
        setter.Join();
        Assert.Equal(new HashSet<Future<int>> { a, b }, done.ToHashSet());
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_first_completed_returns_when_one_completes()
    {
        var pending = new Future<int>();
        var later = new Future<int>();
        var setter = new System.Threading.Thread(() => { System.Threading.Thread.Sleep(30); later.SetResult(2); });
        setter.Start();
        var (done, notDone) = FuturesApi.Wait(new[] { pending, later }, Timing.Patience, ReturnWhen.FirstCompleted);
        setter.Join();
        AssertSplit(done, notDone, new[] { later }, new[] { pending });
    }

    [Fact]
    public void Wait_first_completed_returns_at_once_when_one_is_already_done()
    {
        var done1 = Finished(1);
        var pending = new Future<int>();
        var elapsed = Timing.Measure(() =>
        {
            var (done, notDone) = FuturesApi.Wait(new[] { done1, pending }, returnWhen: ReturnWhen.FirstCompleted);
            AssertSplit(done, notDone, new[] { done1 }, new[] { pending });
        });
        Assert.True(elapsed < Timing.Patience);
    }

    [Fact]
    public void Wait_first_exception_returns_at_the_first_failure()
    {
        var ok = Finished(1);
        var pending = new Future<int>();
        var failing = new Future<int>();
        var setter = new System.Threading.Thread(() => { System.Threading.Thread.Sleep(30); failing.SetException(new FormatException()); });
        setter.Start();
        var (done, notDone) = FuturesApi.Wait(new[] { ok, pending, failing }, Timing.Patience, ReturnWhen.FirstException);
        setter.Join();
        Assert.Equal(new HashSet<Future<int>> { ok, failing }, done.ToHashSet());
        Assert.Equal(new[] { pending }, notDone);
    }

    [Fact]
    public void Wait_first_exception_without_failures_waits_for_all()
    {
        var a = Finished(1);
        var b = new Future<int>();
        var setter = new System.Threading.Thread(() => { System.Threading.Thread.Sleep(30); b.SetResult(3); });
        setter.Start();
        var (done, notDone) = FuturesApi.Wait(new[] { a, b, CancelledFuture() }, Timing.Patience, ReturnWhen.FirstException);
        setter.Join();
        Assert.Equal(3, done.Count);
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_first_exception_returns_at_once_when_one_already_failed()
    {
        var failed = Failed();
        var pending = new Future<int>();
        var (done, notDone) = FuturesApi.Wait(new[] { failed, pending }, returnWhen: ReturnWhen.FirstException);
        AssertSplit(done, notDone, new[] { failed }, new[] { pending });
    }

    [Fact]
    public void Wait_times_out_with_the_not_done_ones()
    {
        var done1 = Finished(1);
        var pending = new Future<int>();
        var (done, notDone) = FuturesApi.Wait(new[] { done1, pending }, TimeSpan.FromMilliseconds(50));
        AssertSplit(done, notDone, new[] { done1 }, new[] { pending });
    }

    [Fact]
    public void A_cancelled_future_counts_as_done()
    {
        var cancelled = CancelledFuture();
        var (done, notDone) = FuturesApi.Wait(new Future[] { cancelled }, TimeSpan.FromSeconds(1));
        Assert.Equal(new Future[] { cancelled }, done);
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_and_AsCompleted_refuse_bad_arguments_at_once()
    {
        Assert.Equal("futures", Assert.Throws<ArgumentNullException>(() => FuturesApi.Wait((IEnumerable<Future>)null!)).ParamName);
        Assert.Equal("futures", Assert.Throws<ArgumentException>(() => FuturesApi.Wait(new Future?[] { null }!)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => FuturesApi.Wait(new[] { new Future() }, TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("returnWhen", Assert.Throws<ArgumentOutOfRangeException>(() => FuturesApi.Wait(new[] { new Future() }, null, (ReturnWhen)7)).ParamName);
        Assert.Equal("futures", Assert.Throws<ArgumentNullException>(() => FuturesApi.AsCompleted((IEnumerable<Future<int>>)null!)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => FuturesApi.AsCompleted(new[] { new Future() }, TimeSpan.FromSeconds(-1))).ParamName);
    }

    [Fact]
    public void AsCompleted_yields_the_done_ones_first_then_in_completion_order()
    {
        var early = Finished(0);
        var second = new Future<int>();
        var first = new Future<int>();
        var setter = new System.Threading.Thread(() =>
        {
            System.Threading.Thread.Sleep(30);
            first.SetResult(1);
            System.Threading.Thread.Sleep(30);
            second.SetResult(2);
        });
        setter.Start();
        var order = FuturesApi.AsCompleted(new[] { second, early, first, early }, Timing.Patience).Select(f => f.Result()).ToList();
        setter.Join();
        Assert.Equal(new[] { 0, 1, 2 }, order);
    }

    [Fact]
    public void AsCompleted_throws_TimeoutException_when_some_are_not_done()
    {
        var done1 = Finished(1);
        var pending = new Future<int>();
        using var e = FuturesApi.AsCompleted(new[] { done1, pending }, TimeSpan.FromMilliseconds(50)).GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Same(done1, e.Current);
        Assert.Throws<TimeoutException>(() => e.MoveNext());
    }

    [Fact]
    public void AsCompleted_of_pool_futures_yields_every_one()
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 4);
        var futures = Enumerable.Range(0, 100).Select(i => pool.Submit((int x) => x, i)).ToList();
        var results = FuturesApi.AsCompleted(futures, Timing.Patience).Select(f => f.Result()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 100), results);
    }
}
