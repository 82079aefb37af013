using System.Runtime.CompilerServices;
using Concurrency.Runtime.Futures;

namespace Concurrency.Runtime.Tests.Futures;

/// <summary>CPython test_concurrent_futures' FutureTests: the state machine, waits, callbacks, awaiting.</summary>
[Collection(GlobalStateCollection.Name)] // some tests swap Future.CallbackExceptionHook
public class FutureTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void A_new_future_is_pending_and_moves_to_running_then_finished()
    {
        var f = new Future<int>();
        Assert.False(f.Done);
        Assert.False(f.Running);
        Assert.False(f.Cancelled);
        Assert.True(f.SetRunningOrNotifyCancel());
        Assert.True(f.Running);
        Assert.False(f.Done);
        f.SetResult(42);
        Assert.True(f.Done);
        Assert.False(f.Running);
        Assert.False(f.Cancelled);
        Assert.Equal(42, f.Result());
        Assert.Null(f.GetException());
    }

    [Fact]
    public void Cancel_of_a_pending_future_succeeds_and_is_idempotent()
    {
        var f = new Future<int>();
        Assert.True(f.Cancel());
        Assert.True(f.Cancel());
        Assert.True(f.Cancelled);
        Assert.True(f.Done);
        Assert.False(f.SetRunningOrNotifyCancel());
        Assert.Throws<FutureCancelledException>(() => f.Result());
        Assert.Throws<FutureCancelledException>(() => f.GetException());
        Assert.Throws<InvalidOperationException>(() => f.SetResult(1));
    }

    [Fact]
    public void Cancel_of_a_running_or_finished_future_fails()
    {
        var running = new Future();
        running.SetRunningOrNotifyCancel();
        Assert.False(running.Cancel());
        Assert.True(running.Running);

        var finished = new Future();
        finished.SetResult();
        Assert.False(finished.Cancel());
        Assert.False(finished.Cancelled);
    }

    [Fact]
    public void SetRunningOrNotifyCancel_twice_or_after_done_throws()
    {
        var f = new Future();
        f.SetRunningOrNotifyCancel();
        Assert.Throws<InvalidOperationException>(() => f.SetRunningOrNotifyCancel());
        f.SetResult();
        Assert.Throws<InvalidOperationException>(() => f.SetRunningOrNotifyCancel());
        Assert.Throws<InvalidOperationException>(() => f.SetResult());
        Assert.Throws<InvalidOperationException>(() => f.SetException(new InvalidCastException()));
    }

    [Fact]
    public void Result_rethrows_the_work_exception_with_its_original_stack()
    {
        var f = new Future<int>();
        try
        {
            ThrowingHelper();
        }
        catch (Exception e)
        {
            f.SetException(e);
        }

        var thrown = Assert.Throws<FormatException>(() => f.Result());
        Assert.Contains(nameof(ThrowingHelper), thrown.StackTrace);
        Assert.Same(thrown, f.GetException());
        Assert.IsType<FormatException>(f.GetException());
    }

    [Fact]
    public void Result_and_GetException_time_out_on_a_pending_future()
    {
        var f = new Future<int>();
        var elapsed = Timing.Measure(() => Assert.Throws<TimeoutException>(() => f.Result(Short)));
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(45), $"returned after {elapsed}");
        Assert.Throws<TimeoutException>(() => f.GetException(TimeSpan.Zero));
        Assert.Throws<TimeoutException>(() => ((Future)f).Result(TimeSpan.Zero));
    }

    [Fact]
    public void A_negative_timeout_is_refused_naming_the_argument()
    {
        var f = new Future<int>();
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => f.Result(TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => f.GetException(TimeSpan.FromSeconds(-1))).ParamName);
        f.SetResult(3);
        Assert.Equal(3, f.Result(Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Result_blocks_until_another_thread_sets_it()
    {
        var f = new Future<string>();
        string? got = null;
        Timing.AssertBlocksUntil(() => got = f.Result(), () => f.SetResult("done"));
        Assert.Equal("done", got);
    }

    [Fact]
    public void Result_blocks_until_another_thread_cancels_it()
    {
        var f = new Future<string>();
        Exception? got = null;
        Timing.AssertBlocksUntil(() => got = Record.Exception(() => f.Result()), () => f.Cancel());
        Assert.IsType<FutureCancelledException>(got);
    }

    [Fact]
    public void Callbacks_run_in_order_on_the_completing_thread()
    {
        var f = new Future<int>();
        var calls = new List<(int Order, int Thread, int Value)>();
        f.AddDoneCallback(x => calls.Add((1, Environment.CurrentManagedThreadId, x.Result())));
        f.AddDoneCallback((Future x) => calls.Add((2, Environment.CurrentManagedThreadId, -1)));
        f.AddDoneCallback(x => calls.Add((3, Environment.CurrentManagedThreadId, x.Result())));
        var completer = new System.Threading.Thread(() => f.SetResult(7));
        completer.Start();
        completer.Join();
        Assert.Equal(new[] { 1, 2, 3 }, calls.Select(c => c.Order));
        Assert.All(calls, c => Assert.Equal(completer.ManagedThreadId, c.Thread));
        Assert.Equal(7, calls[0].Value);
    }

    [Fact]
    public void A_callback_added_when_done_runs_at_once_on_the_caller()
    {
        var f = new Future<int>();
        f.SetResult(5);
        var thread = -1;
        f.AddDoneCallback(_ => thread = Environment.CurrentManagedThreadId);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public void Cancel_runs_the_callbacks()
    {
        var f = new Future<int>();
        var cancelled = false;
        f.AddDoneCallback(x => cancelled = x.Cancelled);
        f.Cancel();
        Assert.True(cancelled);
    }

    [Fact]
    public void A_throwing_callback_is_reported_and_does_not_stop_the_others()
    {
        var reported = new List<(Future, Exception)>();
        var previous = Future.CallbackExceptionHook;
        Future.CallbackExceptionHook = (future, e) => reported.Add((future, e));
        try
        {
            var f = new Future<int>();
            var second = false;
            f.AddDoneCallback(_ => throw new InvalidTimeZoneException("boom"));
            f.AddDoneCallback(_ => second = true);
            f.SetResult(1); // does not throw
            Assert.True(second);
            var (which, error) = Assert.Single(reported);
            Assert.Same(f, which);
            Assert.IsType<InvalidTimeZoneException>(error);

            f.AddDoneCallback(_ => throw new InvalidTimeZoneException("at once")); // nor does this
            Assert.Equal(2, reported.Count);
        }
        finally
        {
            Future.CallbackExceptionHook = previous;
        }
    }

    [Fact]
    public void Null_arguments_are_refused_naming_them()
    {
        var f = new Future<int>();
        Assert.Equal("callback", Assert.Throws<ArgumentNullException>(() => f.AddDoneCallback((Action<Future<int>>)null!)).ParamName);
        Assert.Equal("callback", Assert.Throws<ArgumentNullException>(() => f.AddDoneCallback((Action<Future>)null!)).ParamName);
        Assert.Equal("exception", Assert.Throws<ArgumentNullException>(() => f.SetException(null!)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Future.CallbackExceptionHook = null!);
        Assert.False(f.Done);
    }

    [Fact]
    public async Task Await_returns_the_result_and_does_not_continue_on_the_completing_thread()
    {
        var f = new Future<int>();
        var completer = new System.Threading.Thread(() =>
        {
            System.Threading.Thread.Sleep(30);
            f.SetResult(11);
        });
        completer.Start();
        var value = await f;
        Assert.Equal(11, value);
        Assert.NotEqual(completer.ManagedThreadId, Environment.CurrentManagedThreadId);
        completer.Join();
    }

    [Fact]
    public async Task Await_rethrows_the_exception_and_the_cancellation()
    {
        var failed = new Future();
        failed.SetException(new DivideByZeroException());
        await Assert.ThrowsAsync<DivideByZeroException>(async () => await failed);

        var cancelled = new Future<int>();
        cancelled.Cancel();
        await Assert.ThrowsAsync<FutureCancelledException>(async () => await cancelled);
    }

    [Fact]
    public async Task AsTask_mirrors_result_exception_and_cancellation_and_is_cached()
    {
        var ok = new Future<int>();
        var task = ok.AsTask();
        Assert.Same(task, ok.AsTask());
        Assert.False(task.IsCompleted);
        ok.SetResult(9);
        Assert.Equal(9, await task);

        var failed = new Future<int>();
        failed.SetException(new ArithmeticException());
        await Assert.ThrowsAsync<ArithmeticException>(() => failed.AsTask());

        var cancelled = new Future();
        cancelled.Cancel();
        var cancelledTask = cancelled.AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledTask);
        Assert.True(cancelledTask.IsCanceled);
    }

    [Fact]
    public void ToString_shows_the_state()
    {
        var f = new Future<int>();
        Assert.Contains("pending", f.ToString());
        f.SetException(new FormatException());
        Assert.Contains("FormatException", f.ToString());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowingHelper() => throw new FormatException("bad");
}
