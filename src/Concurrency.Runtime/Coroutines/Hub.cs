using Concurrency.Runtime.Internal;
using CancellationToken = System.Threading.CancellationToken;
using Interlocked = System.Threading.Interlocked;

namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// gevent's hub (course topic 5.3): many coroutines on ONE dedicated OS thread, switching wherever
/// they await. <see cref="Run(Func{Task})"/> starts the hub and runs main on it; <see cref="Spawn(Func{Task})"/>
/// adds greenlets; <see cref="Sleep"/> switches cooperatively on the hub's own timer heap.
/// </summary>
/// <remarks>
/// <para>The hub thread has a single-threaded <see cref="System.Threading.SynchronizationContext"/>
/// installed, so every <c>await</c> on it resumes on it: .NET's async sockets, streams, files and
/// timers switch cooperatively — the "monkey patching" gevent has to do by hand.
/// <c>ConfigureAwait(false)</c> and <c>Task.Run</c> leave the hub (the code after them runs on the
/// thread pool, concurrently with the hub).</para>
/// <para>A synchronous blocking call (<c>Thread.Sleep</c>, synchronous socket/stream/file IO,
/// <c>.Result</c>/<c>.Wait()</c>, the runtime's blocking waits, <see cref="HubGreenlet.Join"/>)
/// stalls every greenlet of the hub, not just the one that makes it (CONC405 reports them).</para>
/// </remarks>
public static class Hub
{
    private static readonly System.Threading.AsyncLocal<HubGreenlet?> s_current = new();
    private static int s_hubs;

    /// <summary>Whether the current thread is a hub's. Never blocks.</summary>
    public static bool IsOnHubThread => HubLoop.Current is not null;

    /// <summary>
    /// The current greenlet's kill token: cancelled when <see cref="HubGreenlet.Kill"/> reaches it, so
    /// awaits given it (<c>Task.Delay(t, Hub.Cancellation)</c>, <c>socket.ReceiveAsync(buffer, Hub.Cancellation)</c>)
    /// are switch points a kill interrupts. <see cref="CancellationToken.None"/> outside a hub. Never blocks.
    /// </summary>
    public static CancellationToken Cancellation =>
        HubLoop.Current is { } loop && CurrentGreenlet(loop) is { } greenlet ? greenlet.Token : CancellationToken.None;

    /// <summary>
    /// The current hub's <see cref="TaskScheduler"/>: <c>Task.Factory.StartNew(work, ct, options, Hub.Scheduler)</c>
    /// runs <c>work</c> on the hub's thread (not as a greenlet: Run does not wait for it).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not on a hub's thread.</exception>
    public static TaskScheduler Scheduler =>
        HubLoop.Current?.Scheduler ?? throw new InvalidOperationException("Hub.Scheduler is only available on a hub's thread (inside Hub.Run).");

    /// <summary>
    /// Runs <paramref name="main"/> and everything it spawns on one new thread ("Hub-{n}"), blocking
    /// the caller until main's task completes. Greenlets still alive then are killed and their finally
    /// blocks run before Run returns (as <c>asyncio.run</c> cancels the rest). Main's exception is
    /// rethrown with its original stack; an exception no task observes (an <c>async void</c> method's,
    /// a throwing posted callback's) stops the hub the same way and is rethrown instead.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called on a hub's thread (a hub would block inside a hub).</exception>
    public static void Run(Func<Task> main) => Run(main, SystemMonitor.Instance);

    /// <summary>As <see cref="Run(Func{Task})"/>, and returns main's result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called on a hub's thread.</exception>
    public static T Run<T>(Func<Task<T>> main)
    {
        ArgumentNullException.ThrowIfNull(main);
        ThrowIfInsideHub();
        var loop = new HubLoop(SystemMonitor.Instance);
        var greenlet = new HubGreenlet<T>(loop, main);
        RunToEnd(loop, greenlet);
        return greenlet.Value;
    }

    /// <summary>
    /// Spawns a greenlet running <paramref name="fn"/> on the current hub; it starts at the hub's
    /// next switch, not inline (as <c>gevent.spawn</c>). Never blocks.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Not on a hub's thread: call it inside <see cref="Run(Func{Task})"/>.</exception>
    public static HubGreenlet Spawn(Func<Task> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var greenlet = new HubGreenlet(LoopFor(nameof(Spawn)), fn);
        greenlet.Schedule();
        return greenlet;
    }

    /// <summary>As <see cref="Spawn(Func{Task})"/>, for a function with a result (<see cref="HubGreenlet{T}.Value"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Not on a hub's thread.</exception>
    public static HubGreenlet<T> Spawn<T>(Func<Task<T>> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var greenlet = new HubGreenlet<T>(LoopFor(nameof(Spawn)), fn);
        greenlet.Schedule();
        return greenlet;
    }

    /// <summary>
    /// Sleeps cooperatively: the other greenlets run meanwhile. The hub's timer heap wakes it (no
    /// timer object per sleep); <see cref="TimeSpan.Zero"/> yields to the greenlets ready now. The
    /// task faults with <see cref="GreenletExit"/> if the current greenlet is killed while it sleeps
    /// (or was killed before). Never blocks the thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Not on a hub's thread: outside a hub use <c>Task.Delay</c>.</exception>
    public static Task Sleep(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A sleep must not be negative; TimeSpan.Zero yields to the other ready greenlets.");
        }

        var loop = HubLoop.Current ?? throw new InvalidOperationException("Hub.Sleep only works on a hub's thread (inside Hub.Run or a greenlet it spawned); outside a hub use Task.Delay.");
        var owner = CurrentGreenlet(loop);
        if (owner is { KillRequested: true })
        {
            return Task.FromException(new GreenletExit());
        }

        return loop.Sleep(delay, owner).Task;
    }

    /// <summary>Completes when every greenlet is dead (finished, failed or killed); never throws their exceptions (read <see cref="HubGreenlet.Exception"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="greenlets"/> or one of them is null.</exception>
    public static Task<bool> JoinAll(params HubGreenlet[] greenlets) => JoinAll(null, greenlets);

    /// <summary>
    /// Completes with true when every greenlet is dead, or with false when <paramref name="timeout"/>
    /// (null = no limit) passes first. Inside the hub it is a switch point (a kill of the awaiting
    /// greenlet interrupts it with <see cref="GreenletExit"/>); outside, it waits without blocking a thread.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="greenlets"/> or one of them is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    public static Task<bool> JoinAll(TimeSpan? timeout, params HubGreenlet[] greenlets)
    {
        ArgumentNullException.ThrowIfNull(greenlets);
        Deadline.ValidateTimeout(timeout);
        var loop = HubLoop.Current;
        var allOnThisHub = loop is not null;
        foreach (var greenlet in greenlets)
        {
            if (greenlet is null)
            {
                throw new ArgumentNullException(nameof(greenlets), "Hub.JoinAll was given a null greenlet.");
            }

            allOnThisHub &= greenlet.Loop == loop;
        }

        if (allOnThisHub)
        {
            return loop!.JoinAll(timeout, greenlets, CurrentGreenlet(loop));
        }

        return greenlets.All(g => g.Dead)
            ? HubGreenlet.TrueTask
            : HubGreenlet.JoinElsewhere(timeout, Task.WhenAll(greenlets.Select(g => g.DoneTask())));
    }

    /// <summary>Runs main on a hub whose waits go through <paramref name="monitor"/>.</summary>
    internal static void Run(Func<Task> main, ISyncMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(main);
        ThrowIfInsideHub();
        var loop = new HubLoop(monitor);
        RunToEnd(loop, new HubGreenlet(loop, main));
    }

    /// <summary>The greenlet whose code runs now on <paramref name="loop"/>'s thread, or null.</summary>
    internal static HubGreenlet? CurrentGreenlet(HubLoop loop) => s_current.Value is { } g && g.Loop == loop ? g : null;

    /// <summary>Marks the code that runs from here on (and its continuations) as <paramref name="greenlet"/>'s.</summary>
    internal static void SetCurrentGreenlet(HubGreenlet greenlet) => s_current.Value = greenlet;

    private static void RunToEnd(HubLoop loop, HubGreenlet main)
    {
        var thread = new System.Threading.Thread(() => loop.Run(main))
        {
            Name = $"Hub-{Interlocked.Increment(ref s_hubs)}",
            IsBackground = true,
        };
        thread.Start();
        loop.WaitFinished();
        loop.Unobserved?.Throw();
        main.RethrowFailure();
    }

    private static void ThrowIfInsideHub()
    {
        if (IsOnHubThread)
        {
            throw new InvalidOperationException("Hub.Run cannot be called inside a hub: it would block this hub's thread until the inner hub ends. Spawn the work with Hub.Spawn and await it, or start the other hub from a thread of its own.");
        }
    }

    private static HubLoop LoopFor(string member) =>
        HubLoop.Current ?? throw new InvalidOperationException($"Hub.{member} only works on a hub's thread: call it inside Hub.Run(async () => ...) or in a greenlet it spawned (this thread is not a hub's; code after ConfigureAwait(false) or in Task.Run has left the hub).");
}
