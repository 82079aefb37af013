namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;
using Thread = Concurrency.Runtime.Threading.Thread;

public class ThreadTests
{
    [Fact]
    public void A_target_with_arguments_runs_in_a_new_thread()
    {
        var result = 0;
        var caller = Environment.CurrentManagedThreadId;
        var ranOn = 0;
        var worker = new Thread((Action<int, int>)((a, b) => { result = a + b; ranOn = Environment.CurrentManagedThreadId; }), new object?[] { 2, 3 });
        worker.Start();
        Assert.True(worker.Join(Timing.Patience));
        Assert.Equal(5, result);
        Assert.NotEqual(caller, ranOn);
        Assert.Equal(ranOn, worker.Ident);
    }

    [Fact]
    public void A_subclass_overriding_Run_runs_it()
    {
        var worker = new CountingThread(3);
        worker.Start();
        worker.Join();
        Assert.Equal(3, worker.Count);
        Assert.Equal("counter", worker.Name);
    }

    [Fact]
    public void Starting_twice_is_a_clear_error()
    {
        var worker = new Thread(() => { });
        worker.Start();
        var error = Assert.Throws<InvalidOperationException>(worker.Start);
        Assert.Contains("only be started once", error.Message);
        worker.Join();
    }

    [Fact]
    public void Join_reports_whether_the_thread_ended_and_IsAlive_follows_it()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Thread(() => release.Wait());
        Assert.False(worker.IsAlive);
        Assert.Null(worker.Ident);
        worker.Start();
        Assert.True(worker.IsAlive);
        var took = Timing.Measure(() => Assert.False(worker.Join(TimeSpan.FromMilliseconds(50))));
        Assert.True(took >= TimeSpan.FromMilliseconds(40), $"join gave up after {took}");
        release.Set();
        Assert.True(worker.Join());
        Assert.False(worker.IsAlive);
    }

    [Fact]
    public void Join_before_start_and_join_of_self_are_errors()
    {
        var notStarted = new Thread(() => { });
        Assert.Throws<InvalidOperationException>(() => notStarted.Join());
        Assert.Throws<ArgumentOutOfRangeException>(() => notStarted.Join(TimeSpan.FromSeconds(-1)));

        Exception? selfJoin = null;
        Thread? self = null;
        self = new Thread(() => selfJoin = Record.Exception(() => self!.Join()));
        self.Start();
        self.Join();
        Assert.IsType<InvalidOperationException>(selfJoin);
    }

    [Fact]
    public void Daemon_maps_to_a_background_thread_and_is_frozen_after_start()
    {
        bool? background = null;
        using var release = new ManualResetEventSlim();
        var worker = new Thread(() => { background = System.Threading.Thread.CurrentThread.IsBackground; release.Wait(); }) { Daemon = true };
        worker.Start();
        var error = Assert.Throws<InvalidOperationException>(() => worker.Daemon = false);
        Assert.Contains("daemon", error.Message);
        release.Set();
        worker.Join();
        Assert.True(background);
        Assert.True(worker.Daemon);

        var foreground = new Thread(() => background = System.Threading.Thread.CurrentThread.IsBackground, daemon: false);
        foreground.Start();
        foreground.Join();
        Assert.False(background);
    }

    [Fact]
    public void Names_default_to_Thread_N_with_the_target_method_and_can_be_changed()
    {
        var named = new Thread(Worker);
        Assert.Matches(@"^Thread-\d+ \(Worker\)$", named.Name);
        var anonymous = new Thread(() => { });
        Assert.Matches(@"^Thread-\d+$", anonymous.Name);
        named.Name = "renamed";
        Assert.Equal("renamed", named.Name);
        Assert.Throws<ArgumentException>(() => named.Name = " ");
    }

    [Fact]
    public void CurrentThread_inside_a_thread_is_that_thread_and_it_is_enumerated_while_alive()
    {
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Thread? seen = null;
        long? nativeId = null;
        var worker = new Thread(() =>
        {
            seen = Thread.CurrentThread;
            nativeId = Thread.CurrentThread.NativeId;
            inside.Set();
            release.Wait();
        });
        worker.Start();
        inside.Wait();
        Assert.Same(worker, seen);
        Assert.NotNull(worker.NativeId);
        Assert.Equal(nativeId, worker.NativeId);
        Assert.Contains(worker, Thread.Enumerate());
        Assert.Contains(Thread.MainThread, Thread.Enumerate());
        Assert.True(Thread.ActiveCount >= 2);
        release.Set();
        worker.Join();
        Assert.DoesNotContain(worker, Thread.Enumerate());
    }

    [Fact]
    public void Foreign_threads_get_a_daemon_dummy_and_the_main_thread_is_named()
    {
        var current = Thread.CurrentThread;
        Assert.Same(current, Thread.CurrentThread);
        Assert.True(current.IsAlive);
        Assert.Equal("MainThread", Thread.MainThread.Name);
        Assert.False(Thread.MainThread.Daemon);
        if (!ReferenceEquals(current, Thread.MainThread))
        {
            Assert.StartsWith("Dummy-", current.Name);
            Assert.True(current.Daemon);
        }

        var child = new Thread(() => { });
        Assert.Equal(current.Daemon, child.Daemon);
    }

    [Fact]
    public void Arguments_must_match_the_target()
    {
        var error = Assert.Throws<ArgumentException>(() => new Thread((Action<int>)(_ => { }), new object?[] { 1, 2 }));
        Assert.Contains("takes 1 argument", error.Message);
        Assert.Throws<ArgumentNullException>(() => new Thread(null!, new object?[0]));
    }

    private static void Worker()
    {
    }

    private sealed class CountingThread : Thread
    {
        private readonly int _times;

        public CountingThread(int times)
            : base(name: "counter")
        {
            _times = times;
        }

        public int Count { get; private set; }

        protected override void Run()
        {
            for (var i = 0; i < _times; i++)
            {
                Count++;
            }
        }
    }
}
