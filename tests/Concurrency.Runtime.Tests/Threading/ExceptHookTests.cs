namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;
using Thread = Concurrency.Runtime.Threading.Thread;

[Collection(GlobalStateCollection.Name)]
public sealed class ExceptHookTests : IDisposable
{
    public void Dispose() => Thread.ExceptHook = Thread.DefaultExceptHook;

    [Fact]
    public void An_escaping_exception_goes_to_the_hook_with_the_thread()
    {
        ExceptHookArgs? seen = null;
        Thread.ExceptHook = args => seen = args;
        var worker = new Thread(() => throw new InvalidOperationException("boom"), name: "failing");
        worker.Start();
        worker.Join();
        Assert.NotNull(seen);
        Assert.Same(worker, seen!.Thread);
        Assert.Equal("boom", seen.Exception.Message);
        Assert.False(worker.IsAlive);
    }

    [Fact]
    public void Target_exceptions_reach_the_hook_unwrapped_when_called_with_arguments()
    {
        Exception? seen = null;
        Thread.ExceptHook = args => seen = args.Exception;
        var worker = new Thread((Action<string>)(message => throw new FormatException(message)), new object?[] { "bad" });
        worker.Start();
        worker.Join();
        Assert.IsType<FormatException>(seen);
    }

    [Fact]
    public void The_default_hook_writes_the_thread_name_and_exception_to_stderr()
    {
        var original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var worker = new Thread(() => throw new InvalidOperationException("visible"), name: "reporter");
            worker.Start();
            worker.Join();
        }
        finally
        {
            Console.SetError(original);
        }

        var text = captured.ToString();
        Assert.Contains("Exception in thread reporter", text);
        Assert.Contains("visible", text);
    }

    [Fact]
    public void A_failing_hook_is_reported_and_swallowed_not_crashing_the_process()
    {
        var original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Thread.ExceptHook = _ => throw new NotSupportedException("hook broke");
            var worker = new Thread(() => throw new InvalidOperationException("first"), name: "double-fault");
            worker.Start();
            Assert.True(worker.Join(Timing.Patience));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("hook broke", captured.ToString());
        Assert.Contains("first", captured.ToString());
        Assert.Throws<ArgumentNullException>(() => Thread.ExceptHook = null!);
    }
}
