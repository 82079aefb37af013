namespace Concurrency.Runtime.Tests.Coroutines;

using System.Diagnostics;
using Concurrency.Runtime.Coroutines;

public class GreenletTests
{
    [Fact]
    public void Ping_pong_runs_in_the_order_of_the_switches()
    {
        // CPython greenlet's first example: prints 12, 56, 34 (78 never: gr2 is left suspended, then finished here).
        var log = new List<int>();
        Greenlet? gr1 = null;
        Greenlet? gr2 = null;
        gr1 = new Greenlet(_ =>
        {
            log.Add(12);
            gr2!.Switch();
            log.Add(34);
            return null;
        });
        gr2 = new Greenlet(_ =>
        {
            log.Add(56);
            gr1.Switch();
            log.Add(78);
            return null;
        });
        gr1.Switch();
        Assert.Equal(new[] { 12, 56, 34 }, log);
        Assert.True(gr1.Dead);
        Assert.False(gr2.Dead);
        gr2.Switch();
        Assert.Equal(new[] { 12, 56, 34, 78 }, log);
        Assert.True(gr2.Dead);
    }

    [Fact]
    public void Values_pass_both_ways_and_the_result_goes_to_the_parent()
    {
        // CPython greenlet's test_pass_around.
        var seen = new List<object?>();
        var g = new Greenlet(x =>
        {
            seen.Add(x);
            seen.Add(Greenlet.Current.Parent!.Switch());
            seen.Add(Greenlet.Current.Parent!.Switch(42));
            return "44z";
        });
        seen.Add(g.Switch("40x"));
        seen.Add(g.Switch("41y"));
        seen.Add(g.Switch(43));
        seen.Add(new Greenlet(_ => 45).Switch());
        seen.Add(new Greenlet(_ => null).Switch());
        Assert.Equal(new object?[] { "40x", null, "41y", 42, 43, "44z", 45, null }, seen);
    }

    [Fact]
    public void An_exception_from_run_is_raised_in_the_parent_with_its_stack_and_kills_the_greenlet()
    {
        static object? Fails(object? _) => throw new FormatException("bad input");
        var g = new Greenlet(Fails);
        var e = Assert.Throws<FormatException>(() => g.Switch());
        Assert.Equal("bad input", e.Message);
        Assert.Contains(nameof(Fails), e.StackTrace);
        Assert.True(g.Dead);
    }

    [Fact]
    public void The_parent_receives_the_result_of_a_child_a_greenlet_created()
    {
        var outer = new Greenlet(_ =>
        {
            var inner = new Greenlet(x => (int)x! * 2);
            Assert.Same(Greenlet.Current, inner.Parent);
            var doubled = (int)inner.Switch(21)!;
            return doubled + 1;
        });
        Assert.Equal(43, outer.Switch());
    }

    [Fact]
    public void An_explicit_parent_gets_the_result_instead_of_the_switcher()
    {
        var main = Greenlet.Current;
        Greenlet? collector = null;
        var results = new List<object?>();
        collector = new Greenlet(first =>
        {
            results.Add(first);
            results.Add(main.Switch("collector waiting"));
            return null;
        });
        Assert.Equal("collector waiting", collector.Switch("started"));
        var worker = new Greenlet(_ => "worker done", parent: collector);
        Assert.Same(collector, worker.Parent);
        // worker's result goes to collector (its parent), which then finishes and returns to main.
        Assert.Null(worker.Switch());
        Assert.Equal(new object?[] { "started", "worker done" }, results);
        Assert.True(collector.Dead);
    }

    [Fact]
    public void Current_is_the_running_greenlet_and_the_thread_main_greenlet_outside()
    {
        var main = Greenlet.Current;
        Assert.Same(main, Greenlet.Current);
        Assert.Null(main.Parent);
        Assert.True(main.Started);
        Assert.False(main.Dead);
        Greenlet? insideCurrent = null;
        var g = new Greenlet(_ =>
        {
            insideCurrent = Greenlet.Current;
            return null;
        });
        Assert.Same(main, g.Parent);
        g.Switch();
        Assert.Same(g, insideCurrent);
        Assert.Same(main, Greenlet.Current);
    }

    [Fact]
    public void Started_and_Dead_follow_the_life_of_run()
    {
        var states = new List<(bool Started, bool Dead)>();
        Greenlet? g = null;
        g = new Greenlet(_ =>
        {
            states.Add((g!.Started, g.Dead));
            Greenlet.Current.Parent!.Switch();
            return null;
        });
        states.Add((g.Started, g.Dead));
        g.Switch();
        states.Add((g.Started, g.Dead));
        g.Switch();
        states.Add((g.Started, g.Dead));
        Assert.Equal(new[] { (false, false), (true, false), (true, false), (true, true) }, states);
    }

    [Fact]
    public void Switching_to_a_dead_greenlet_goes_to_its_parent()
    {
        var g = new Greenlet(_ => "done");
        Assert.Equal("done", g.Switch());
        // The parent is the caller (main): the switch returns the value at once.
        Assert.Equal(5, g.Switch(5));

        var main = Greenlet.Current;
        var late = new List<object?>();
        var parent = new Greenlet(_ =>
        {
            var child = new Greenlet(_ => "child done");
            late.Add(child.Switch());
            late.Add(main.Switch("parent suspended"));
            return "parent done";
        });
        Assert.Equal("parent suspended", parent.Switch());
        // From main, switching to the dead child lands in its parent, resumed with the value.
        var child = new Greenlet(_ => null, parent);
        child.Switch();
        Assert.Equal(new object?[] { "child done", null }, late);
        Assert.True(parent.Dead);
    }

    [Fact]
    public void Throw_GreenletExit_finishes_a_suspended_greenlet_quietly_running_its_finally()
    {
        var finallyRan = false;
        var g = new Greenlet(_ =>
        {
            try
            {
                Greenlet.Current.Parent!.Switch();
                return "never";
            }
            finally
            {
                finallyRan = true;
            }
        });
        g.Switch();
        var result = g.Throw();
        Assert.IsType<GreenletExit>(result);
        Assert.True(finallyRan);
        Assert.True(g.Dead);
    }

    [Fact]
    public void Throw_into_a_greenlet_that_never_started_kills_it_without_running_it()
    {
        var ran = false;
        var g = new Greenlet(_ =>
        {
            ran = true;
            return null;
        });
        var exit = new GreenletExit();
        Assert.Same(exit, g.Throw(exit));
        Assert.False(ran);
        Assert.True(g.Dead);
        Assert.Throws<InvalidTimeZoneException>(() => new Greenlet(_ => null).Throw(new InvalidTimeZoneException()));
    }

    [Fact]
    public void Throw_GreenletExit_into_a_dead_greenlet_returns_it_and_other_exceptions_reach_the_parent()
    {
        var g = new Greenlet(_ => null);
        g.Switch();
        var exit = new GreenletExit();
        Assert.Same(exit, g.Throw(exit));
        Assert.Throws<ArithmeticException>(() => g.Throw(new ArithmeticException()));
    }

    [Fact]
    public void A_thrown_exception_can_be_caught_by_the_greenlet_which_carries_on()
    {
        var g = new Greenlet(_ =>
        {
            try
            {
                Greenlet.Current.Parent!.Switch("waiting");
                return "not interrupted";
            }
            catch (TimeoutException e)
            {
                return "caught " + e.Message;
            }
        });
        Assert.Equal("waiting", g.Switch());
        Assert.Equal("caught slow", g.Throw(new TimeoutException("slow")));
        Assert.True(g.Dead);
    }

    [Fact]
    public void An_uncaught_thrown_exception_propagates_to_the_parent()
    {
        var g = new Greenlet(_ => Greenlet.Current.Parent!.Switch());
        g.Switch();
        Assert.Throws<NotSupportedException>(() => g.Throw(new NotSupportedException()));
        Assert.True(g.Dead);
    }

    [Fact]
    public void Only_one_greenlet_runs_at_a_time_across_10000_switches()
    {
        const int Switches = 10_000;
        var counter = 0;    // deliberately no lock, no Interlocked
        var inside = 0;
        var overlaps = 0;
        var threads = new HashSet<int>();
        Greenlet? ping = null;
        Greenlet? pong = null;
        object? Body(Func<Greenlet> other)
        {
            threads.Add(Environment.CurrentManagedThreadId);
            while (counter < Switches)
            {
                if (inside != 0)
                {
                    overlaps++;
                }

                inside = 1;
                var before = counter;
                System.Threading.Thread.SpinWait(20);
                counter = before + 1;
                inside = 0;
                other().Switch();
            }

            return counter;
        }

        ping = new Greenlet(_ => Body(() => pong!));
        pong = new Greenlet(_ => Body(() => ping));
        var result = ping.Switch();
        Assert.Equal(Switches, counter);
        Assert.Equal(0, overlaps);
        Assert.Equal(Switches, result);
        Assert.Equal(2, threads.Count); // each greenlet on its own thread, handing off strictly
        pong.Switch(); // let pong end too
        Assert.True(pong.Dead);
    }

    [Fact]
    public void Switching_to_a_greenlet_of_another_thread_is_rejected()
    {
        Greenlet? foreign = null;
        Greenlet? foreignMain = null;
        var creator = new System.Threading.Thread(() =>
        {
            foreignMain = Greenlet.Current;
            foreign = new Greenlet(_ => null);
        });
        creator.Start();
        creator.Join();
        var e = Assert.Throws<InvalidOperationException>(() => foreign!.Switch());
        Assert.Contains("one thread", e.Message);
        Assert.Throws<InvalidOperationException>(() => foreign!.Throw());
        Assert.False(foreign!.Started);
        Assert.Throws<ArgumentException>(() => new Greenlet(_ => null, foreignMain));

        // Inside a greenlet, work handed to another thread cannot switch back into the group.
        var main = Greenlet.Current;
        var g = new Greenlet(_ => Task.Run(() => Record.Exception(() => main.Switch())).Result);
        Assert.IsType<InvalidOperationException>(g.Switch());
        Assert.True(g.Dead);
    }

    [Fact]
    public void A_thousand_greenlets_created_and_finished_leave_no_threads_behind()
    {
        var before = LiveThreads();
        var sum = 0;
        for (var i = 0; i < 1_000; i++)
        {
            var g = new Greenlet(x => (int)x! + 1);
            sum += (int)g.Switch(i)!;
            Assert.True(g.Dead);
        }

        Assert.Equal(500_500, sum);
        var watch = Stopwatch.StartNew();
        var after = LiveThreads();
        while (after > before + 10 && watch.Elapsed < Timing.Patience)
        {
            System.Threading.Thread.Sleep(20);
            after = LiveThreads();
        }

        Assert.True(after <= before + 10, $"{before} threads before, {after} after");
    }

    [Fact]
    public void A_greenlet_left_suspended_is_on_a_background_thread()
    {
        bool? background = null;
        var g = new Greenlet(_ =>
        {
            background = System.Threading.Thread.CurrentThread.IsBackground;
            Greenlet.Current.Parent!.Switch();
            return null;
        });
        g.Switch();
        Assert.True(background);
        g.Throw();
        Assert.True(g.Dead);
    }

    private static int LiveThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }
}
