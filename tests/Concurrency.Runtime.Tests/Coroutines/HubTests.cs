using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concurrency.Runtime.Coroutines;

namespace Concurrency.Runtime.Tests.Coroutines;

public class HubTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Every_coroutine_runs_on_the_hub_thread_also_after_awaiting_a_real_socket_a_Task_Delay_and_a_file()
    {
        var caller = Environment.CurrentManagedThreadId;
        var ids = new List<(string Where, int Id)>();
        string? name = null;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var buffer = new byte[4];
            var stream = peer.GetStream();
            var read = await stream.ReadAsync(buffer);
            await stream.WriteAsync(buffer.AsMemory(0, read));
        });
        var path = Path.GetTempFileName();
        try
        {
            Hub.Run(async () =>
            {
                name = Thread.CurrentThread.Name;
                ids.Add(("main", Environment.CurrentManagedThreadId));
                var socket = Hub.Spawn(async () =>
                {
                    ids.Add(("socket start", Environment.CurrentManagedThreadId));
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    ids.Add(("after ConnectAsync", Environment.CurrentManagedThreadId));
                    await client.SendAsync(new byte[] { 1, 2, 3 }, SocketFlags.None);
                    var echo = new byte[4];
                    var n = await client.ReceiveAsync(echo, SocketFlags.None);
                    Assert.Equal(3, n);
                    ids.Add(("after ReceiveAsync", Environment.CurrentManagedThreadId));
                });
                var delay = Hub.Spawn(async () =>
                {
                    await Task.Delay(5);
                    ids.Add(("after Task.Delay", Environment.CurrentManagedThreadId));
                    await Task.Yield();
                    ids.Add(("after Task.Yield", Environment.CurrentManagedThreadId));
                    await Hub.Sleep(Ms10);
                    ids.Add(("after Hub.Sleep", Environment.CurrentManagedThreadId));
                });
                var file = Hub.Spawn(async () =>
                {
                    await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
                    {
                        await stream.WriteAsync(new byte[100_000]);
                    }

                    ids.Add(("after FileStream.WriteAsync", Environment.CurrentManagedThreadId));
                    var text = await File.ReadAllBytesAsync(path);
                    Assert.Equal(100_000, text.Length);
                    ids.Add(("after File.ReadAllBytesAsync", Environment.CurrentManagedThreadId));
                });
                Assert.True(await Hub.JoinAll(TimeSpan.FromSeconds(30), socket, delay, file));
                Assert.All(new[] { socket, delay, file }, g => Assert.Null(g.Exception));
                ids.Add(("main after JoinAll", Environment.CurrentManagedThreadId));
            });
        }
        finally
        {
            File.Delete(path);
        }

        await server;
        Assert.Equal(10, ids.Count);
        var hub = ids[0].Id;
        Assert.All(ids, entry => Assert.True(entry.Id == hub, $"{entry.Where} ran on thread {entry.Id}, not the hub's {hub}"));
        Assert.NotEqual(caller, hub);
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

    [Fact]
    public void Timers_wake_in_due_order_and_equal_due_times_in_the_order_they_were_set()
    {
        var log = new List<int>();
        Hub.Run(async () =>
        {
            var gs = new[] { 30, 10, 20, 10 }.Select((ms, i) => Hub.Spawn(async () =>
            {
                await Hub.Sleep(TimeSpan.FromMilliseconds(ms));
                log.Add(i);
            })).ToArray();
            await Hub.JoinAll(gs);
        });

        Assert.Equal(new[] { 1, 3, 2, 0 }, log);
    }

    [Fact]
    public void A_blocking_Thread_Sleep_in_one_greenlet_stalls_the_others_while_Hub_Sleep_does_not()
    {
        var blockedGap = LongestTickerGap(() => { Thread.Sleep(400); return Task.CompletedTask; });
        var cooperativeGap = LongestTickerGap(() => Hub.Sleep(TimeSpan.FromMilliseconds(400)));

        Assert.True(blockedGap >= TimeSpan.FromMilliseconds(350), $"the ticker was not stalled: longest gap {blockedGap}");
        Assert.True(cooperativeGap < blockedGap / 2, $"Hub.Sleep stalled the ticker: {cooperativeGap} vs {blockedGap} when blocking");
    }

    [Fact]
    public void Two_greenlets_sleeping_cooperatively_take_the_longer_time_and_blocking_ones_the_sum()
    {
        var cooperative = Timing.Measure(() => Hub.Run(async () =>
            await Hub.JoinAll(Hub.Spawn(() => Hub.Sleep(TimeSpan.FromMilliseconds(300))), Hub.Spawn(() => Hub.Sleep(TimeSpan.FromMilliseconds(200))))));
        var blocking = Timing.Measure(() => Hub.Run(async () =>
            await Hub.JoinAll(
                Hub.Spawn(() => { Thread.Sleep(300); return Task.CompletedTask; }),
                Hub.Spawn(() => { Thread.Sleep(200); return Task.CompletedTask; }))));

        Assert.True(cooperative >= TimeSpan.FromMilliseconds(290), $"{cooperative}");
        Assert.True(blocking >= TimeSpan.FromMilliseconds(490), $"{blocking}");
        Assert.True(cooperative < blocking - TimeSpan.FromMilliseconds(100), $"cooperative {cooperative}, blocking {blocking}");
    }

    [Fact]
    public void A_spawned_greenlets_exception_is_in_Exception_and_await_rethrows_it_but_Run_goes_on()
    {
        HubGreenlet? failed = null;
        Hub.Run(async () =>
        {
            failed = Hub.Spawn(async () =>
            {
                await Hub.Sleep(TimeSpan.Zero);
                ThrowingHelper();
            });
            Assert.True(await Hub.JoinAll(failed));
            Assert.IsType<InvalidTimeZoneException>(failed.Exception);
            Assert.False(failed.Killed);
            var again = await Assert.ThrowsAsync<InvalidTimeZoneException>(async () => await failed);
            Assert.Same(failed.Exception, again);
            Assert.Contains(nameof(ThrowingHelper), again.StackTrace);
            var typed = Hub.Spawn<int>(() => throw new FormatException("sync throw"));
            await Assert.ThrowsAsync<FormatException>(async () => await typed);
            Assert.Equal(0, typed.Value);
        });

        Assert.True(failed!.Dead);
    }

    [Fact]
    public void An_OperationCanceledException_that_is_not_a_kill_is_a_failure()
    {
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(() => Task.FromCanceled(new CancellationToken(true)));
            await Hub.JoinAll(g);
            Assert.False(g.Killed);
            Assert.IsAssignableFrom<OperationCanceledException>(g.Exception);
        });
    }

    [Fact]
    public void Kill_before_start_means_it_never_runs_and_kill_after_finish_changes_nothing()
    {
        var ran = false;
        Hub.Run(async () =>
        {
            var never = Hub.Spawn(() =>
            {
                ran = true;
                return Task.CompletedTask;
            });
            never.Kill();
            var done = Hub.Spawn(() => Task.FromResult(5));
            await Hub.JoinAll(never, done);
            Assert.True(never.Dead);
            Assert.True(never.Killed);
            Assert.Null(never.Exception);
            done.Kill();
            done.Kill();
            await Hub.Sleep(Ms10);
            Assert.False(done.Killed);
            Assert.Equal(5, done.Value);
            Assert.Equal(5, await done);
        });

        Assert.False(ran);
    }

    [Fact]
    public void Kill_twice_and_from_another_thread_kills_once_and_await_of_a_killed_greenlet_completes()
    {
        var exits = 0;
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(async () =>
            {
                try
                {
                    await Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                catch (GreenletExit)
                {
                    exits++;
                    throw;
                }
            });
            await Hub.Sleep(Ms10);
            var killer = Task.Run(() =>
            {
                Assert.False(Hub.IsOnHubThread);
                g.Kill();
                g.Kill();
                return g.Join(TimeSpan.FromSeconds(10));
            });
            Assert.True(await killer); // awaiting a task switches: the hub runs the kill meanwhile
            g.Kill();
            await g; // killed: completes without an exception
            Assert.True(g.Killed);
        });

        Assert.Equal(1, exits);
    }

    [Fact]
    public void Kill_cancels_Hub_Cancellation_so_awaits_that_observe_it_are_switch_points_too()
    {
        var outside = Hub.Cancellation;
        Assert.False(outside.CanBeCanceled);
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(async () =>
            {
                Assert.True(Hub.Cancellation.CanBeCanceled);
                await Task.Delay(Timeout.Infinite, Hub.Cancellation);
            });
            await Hub.Sleep(Ms10);
            g.Kill();
            Assert.True(await g.JoinAsync(TimeSpan.FromSeconds(10)));
            Assert.True(g.Killed);
        });
    }

    [Fact]
    public void A_greenlet_killed_while_it_joins_gets_GreenletExit_at_the_join()
    {
        Hub.Run(async () =>
        {
            var sleeper = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            var joiner = Hub.Spawn(async () => await sleeper.JoinAsync());
            var allJoiner = Hub.Spawn(async () => await Hub.JoinAll(sleeper));
            await Hub.Sleep(Ms10);
            joiner.Kill();
            allJoiner.Kill();
            Assert.True(await Hub.JoinAll(TimeSpan.FromSeconds(10), joiner, allJoiner));
            Assert.True(joiner.Killed);
            Assert.True(allJoiner.Killed);
            Assert.False(sleeper.Dead);
            sleeper.Kill();
        });
    }

    [Fact]
    public void Join_JoinAsync_and_JoinAll_time_out_with_false_and_return_true_once_dead()
    {
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromMilliseconds(300)));
            var quick = Hub.Spawn(() => Hub.Sleep(TimeSpan.Zero));
            Assert.False(await g.JoinAsync(TimeSpan.FromMilliseconds(20)));
            Assert.False(await Hub.JoinAll(TimeSpan.FromMilliseconds(20), g, quick));
            Assert.True(quick.Dead);
            Assert.False(await g.JoinAsync(TimeSpan.Zero));
            var offHub = await Task.Run(() => (g.Join(TimeSpan.FromMilliseconds(20)), g.JoinAsync(TimeSpan.FromMilliseconds(20)).Result));
            Assert.Equal((false, false), offHub);
            Assert.True(await Task.Run(() => g.Join()));
            Assert.True(await g.JoinAsync(TimeSpan.Zero));
            Assert.True(await Hub.JoinAll(TimeSpan.Zero, g, quick));
            Assert.True(await Hub.JoinAll());
        });
    }

    [Fact]
    public void Join_on_the_hub_thread_throws_because_it_would_stall_the_hub()
    {
        Hub.Run(async () =>
        {
            var g = Hub.Spawn(() => Hub.Sleep(Ms10));
            var e = Assert.Throws<InvalidOperationException>(() => g.Join());
            Assert.Contains("JoinAsync", e.Message);
            await g;
        });
    }

    [Fact]
    public void When_main_returns_the_other_greenlets_are_killed_and_their_finally_blocks_run_before_Run_returns()
    {
        var finallies = new List<int>();
        HubGreenlet[] gs = Array.Empty<HubGreenlet>();
        var elapsed = Timing.Measure(() => Hub.Run(async () =>
        {
            gs = Enumerable.Range(0, 3).Select(i => Hub.Spawn(async () =>
            {
                try
                {
                    await Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                finally
                {
                    await Hub.Sleep(TimeSpan.Zero).ContinueWith(_ => { }, TaskScheduler.Default); // a finally may still switch
                    finallies.Add(i);
                }
            })).ToArray();
            await Hub.Sleep(Ms10);
        }));

        Assert.Equal(new[] { 0, 1, 2 }, finallies.Order());
        Assert.All(gs, g => Assert.True(g.Killed));
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"{elapsed}");
    }

    [Fact]
    public void An_exception_no_task_observes_stops_the_hub_and_is_rethrown_from_Run()
    {
        var killed = false;
        var e = Assert.Throws<InvalidTimeZoneException>(() => Hub.Run(async () =>
        {
            var sleeper = Hub.Spawn(async () =>
            {
                try
                {
                    await Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                catch (GreenletExit)
                {
                    killed = true;
                    throw;
                }
            });
            FireAndForget();
            await Hub.Sleep(TimeSpan.FromSeconds(30));
        }));

        Assert.Equal("async void", e.Message);
        Assert.True(killed);
    }

    [Fact]
    public void ConfigureAwait_false_and_Task_Run_leave_the_hub_and_Spawn_there_is_an_error()
    {
        Hub.Run(async () =>
        {
            var hub = Environment.CurrentManagedThreadId;
            Assert.True(Hub.IsOnHubThread);
            await Task.Delay(5).ConfigureAwait(false);
            Assert.False(Hub.IsOnHubThread);
            Assert.NotEqual(hub, Environment.CurrentManagedThreadId);
            var e = Assert.Throws<InvalidOperationException>(() => Hub.Spawn(() => Task.CompletedTask));
            Assert.Contains("ConfigureAwait(false)", e.Message);
        });
    }

    [Fact]
    public async Task Tasks_started_on_Hub_Scheduler_run_on_the_hub_thread_one_at_a_time()
    {
        Assert.Throws<InvalidOperationException>(() => Hub.Scheduler);
        var ids = new List<int>();
        var hub = 0;
        Hub.Run(async () =>
        {
            hub = Environment.CurrentManagedThreadId;
            var tasks = Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(
                () => ids.Add(Environment.CurrentManagedThreadId), CancellationToken.None, TaskCreationOptions.None, Hub.Scheduler)).ToArray();
            await Task.WhenAll(tasks);
            Assert.Equal(1, Hub.Scheduler.MaximumConcurrencyLevel);
        });

        Assert.Equal(new[] { hub, hub, hub }, ids);
        await Task.CompletedTask;
    }

    [Fact]
    public void Bad_arguments_name_the_parameter()
    {
        Assert.Equal("main", Assert.Throws<ArgumentNullException>(() => Hub.Run(null!)).ParamName);
        Assert.Equal("main", Assert.Throws<ArgumentNullException>(() => Hub.Run<int>(null!)).ParamName);
        Hub.Run(async () =>
        {
            Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => Hub.Spawn(null!)).ParamName);
            Assert.Equal("fn", Assert.Throws<ArgumentNullException>(() => Hub.Spawn<int>(null!)).ParamName);
            Assert.Equal("delay", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Hub.Sleep(TimeSpan.FromMilliseconds(-1)); }).ParamName);
            var g = Hub.Spawn(() => Hub.Sleep(Ms10));
            Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Hub.JoinAll(TimeSpan.FromSeconds(-2), g); }).ParamName);
            Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = g.JoinAsync(TimeSpan.FromSeconds(-2)); }).ParamName);
            Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => g.Join(TimeSpan.FromSeconds(-2))).ParamName);
            Assert.Equal("greenlets", Assert.Throws<ArgumentNullException>(() => { _ = Hub.JoinAll((HubGreenlet[])null!); }).ParamName);
            Assert.Equal("greenlets", Assert.Throws<ArgumentNullException>(() => { _ = Hub.JoinAll(g, null!); }).ParamName);
            Assert.True(await g.JoinAsync(Timeout.InfiniteTimeSpan));
        });
    }

    [Fact]
    public void Ten_thousand_coroutines_each_complete_exactly_once_on_one_thread() => EachCompletesOnce(10_000);

    internal static void EachCompletesOnce(int n)
    {
        var runs = new int[n];
        var threads = new HashSet<int>();
        Hub.Run(async () =>
        {
            var gs = new HubGreenlet[n];
            for (var i = 0; i < n; i++)
            {
                var index = i;
                gs[i] = Hub.Spawn(async () =>
                {
                    await Hub.Sleep(TimeSpan.FromMilliseconds(index % 7));
                    runs[index]++;
                    threads.Add(Environment.CurrentManagedThreadId);
                });
            }

            Assert.True(await Hub.JoinAll(TimeSpan.FromSeconds(60), gs));
            Assert.All(gs, g => Assert.True(g.Dead && g.Exception is null));
        });

        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.Single(threads);
    }

    private static TimeSpan LongestTickerGap(Func<Task> other)
    {
        var ticks = new List<long>();
        Hub.Run(async () =>
        {
            var ticker = Hub.Spawn(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    ticks.Add(Stopwatch.GetTimestamp());
                    await Hub.Sleep(Ms10);
                }
            });
            await Hub.Sleep(TimeSpan.FromMilliseconds(50));
            var worker = Hub.Spawn(other);
            await Hub.JoinAll(ticker, worker);
        });
        var gaps = ticks.Zip(ticks.Skip(1), (a, b) => b - a).Max();
        return TimeSpan.FromSeconds(gaps / (double)Stopwatch.Frequency);
    }

    private static async void FireAndForget()
    {
        await Hub.Sleep(Ms10);
        throw new InvalidTimeZoneException("async void");
    }

    private static void ThrowingHelper() => throw new InvalidTimeZoneException("boom");
}

[Trait("Category", "Stress")]
public class HubStressTests
{
    // About 2-4 s on a loaded machine: 100,000 greenlets spawned, each sleeping 0-6 ms on the timer heap.
    [Fact]
    public void A_hundred_thousand_coroutines_each_complete_exactly_once_on_one_thread() => HubTests.EachCompletesOnce(100_000);
}
