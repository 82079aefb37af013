using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concurrency.Runtime.Coroutines;

namespace Concurrency.Runtime.Tests.Coroutines;

public class HubTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Run_runs_main_and_every_spawned_greenlet_on_one_dedicated_hub_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var ids = new List<int>();
        string? name = null;
        Hub.Run(async () =>
        {
            name = Thread.CurrentThread.Name;
            ids.Add(Environment.CurrentManagedThreadId);
            var a = Hub.Spawn(async () =>
            {
                ids.Add(Environment.CurrentManagedThreadId);
                await Hub.Sleep(Ms10);
                ids.Add(Environment.CurrentManagedThreadId);
            });
            var b = Hub.Spawn(async () =>
            {
                ids.Add(Environment.CurrentManagedThreadId);
                await Task.Delay(5);
                ids.Add(Environment.CurrentManagedThreadId);
                await Task.Yield();
                ids.Add(Environment.CurrentManagedThreadId);
            });
            Assert.True(await Hub.JoinAll(a, b));
            ids.Add(Environment.CurrentManagedThreadId);
        });

        Assert.Equal(7, ids.Count);
        Assert.Single(ids.Distinct());
        Assert.NotEqual(caller, ids[0]);
        Assert.StartsWith("Hub-", name);
    }

    [Fact]
    public void Spawned_greenlets_start_at_the_next_switch_in_FIFO_order_and_Sleep_zero_yields()
    {
        var log = new List<string>();
        Hub.Run(async () =>
        {
            var gs = Enumerable.Range(0, 3).Select(i => Hub.Spawn(async () =>
            {
                log.Add($"start{i}");
                await Hub.Sleep(TimeSpan.Zero);
                log.Add($"resume{i}");
            })).ToArray();
            log.Add("spawned");
            await Hub.JoinAll(gs);
        });

        Assert.Equal(new[] { "spawned", "start0", "start1", "start2", "resume0", "resume1", "resume2" }, log);
    }

    [Fact]
    public void Run_of_T_returns_mains_value_and_Spawn_of_T_gives_the_greenlets_value()
    {
        var result = Hub.Run(async () =>
        {
            var g = Hub.Spawn(async () =>
            {
                await Hub.Sleep(Ms10);
                return 21;
            });
            Assert.Equal(0, g.Value);
            var value = await g;
            Assert.Equal(21, g.Value);
            Assert.True(g.Dead);
            Assert.False(g.Killed);
            Assert.Null(g.Exception);
            return value * 2;
        });

        Assert.Equal(42, result);
    }

    [Fact]
    public void Mains_exception_is_rethrown_from_Run_with_its_original_stack()
    {
        var e = Assert.Throws<InvalidTimeZoneException>(() => Hub.Run(async () =>
        {
            await Hub.Sleep(Ms10);
            ThrowingHelper();
        }));

        Assert.Contains(nameof(ThrowingHelper), e.StackTrace);
    }

    [Fact]
    public void Kill_of_a_sleeping_greenlet_raises_GreenletExit_there_and_runs_its_finally()
    {
        var log = new List<string>();
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(async () =>
            {
                try
                {
                    await Hub.Sleep(TimeSpan.FromSeconds(30));
                    log.Add("woke");
                }
                catch (GreenletExit)
                {
                    log.Add("exit");
                    throw;
                }
                finally
                {
                    log.Add("finally");
                }
            });
            await Hub.Sleep(Ms10);
            g.Kill();
            Assert.True(await g.JoinAsync(TimeSpan.FromSeconds(5)));
            Assert.True(g.Dead);
            Assert.True(g.Killed);
            Assert.Null(g.Exception);
        });

        Assert.Equal(new[] { "exit", "finally" }, log);
    }

    [Fact]
    public void Spawn_and_Sleep_outside_a_hub_and_Run_inside_one_are_clear_errors()
    {
        var spawn = Assert.Throws<InvalidOperationException>(() => Hub.Spawn(() => Task.CompletedTask));
        Assert.Contains("Hub.Spawn", spawn.Message);
        Assert.Contains("Hub.Run", spawn.Message);
        var sleep = Assert.Throws<InvalidOperationException>(() => { _ = Hub.Sleep(Ms10); });
        Assert.Contains("Task.Delay", sleep.Message);
        InvalidOperationException? inner = null;
        Hub.Run(() =>
        {
            inner = Assert.Throws<InvalidOperationException>(() => Hub.Run(() => Task.CompletedTask));
            return Task.CompletedTask;
        });
        Assert.Contains("Hub.Run cannot be called inside a hub", inner!.Message);
    }

    private static void ThrowingHelper() => throw new InvalidTimeZoneException("boom");
}
