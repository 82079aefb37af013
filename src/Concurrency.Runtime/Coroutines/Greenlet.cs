using System.Runtime.ExceptionServices;
using System.Threading;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// A greenlet, CPython's <c>greenlet.greenlet</c>: a coroutine you switch to explicitly. Exactly one
/// greenlet of a group (the greenlets created from one thread, rooted at that thread's implicit main
/// greenlet) runs at any time, and control moves only where <see cref="Switch"/> or
/// <see cref="Throw"/> is called.
/// </summary>
/// <remarks>
/// <para>
/// .NET has no stackful coroutines, so each greenlet runs on a dedicated background thread with a
/// strict hand-off: a switch wakes the target's thread and parks the caller's, so however many
/// threads a group has, one runs. A switch therefore costs a thread wake-up (a brief spin first keeps
/// ping-pong cheap; the benchmark <c>coroutine.switch.ns</c> measures it), much more than CPython's
/// stack copy, and code in a greenlet sees its own thread (thread-locals, <c>Environment.CurrentManagedThreadId</c>).
/// </para>
/// <para>
/// A greenlet's thread starts at its first switch and ends as soon as <c>run</c> has returned or
/// thrown and control has passed to the parent. A greenlet that is started and never finished keeps
/// its parked thread until the process exits (CPython would kill it with <see cref="GreenletExit"/>
/// when collected): the thread is a background thread, so it never keeps the process alive, but to
/// free it, finish the greenlet, e.g. with <see cref="Throw"/>.
/// </para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class Greenlet
{
    private const int New = 0;
    private const int Running = 1; // started, not dead
    private const int Finished = 2;

    [ThreadStatic]
    private static Greenlet? t_current;

    private static int s_counter;

    private readonly Func<object?, object?>? _run; // null for a thread's main greenlet
    private readonly GreenletGroup _group;
    private readonly object _gate = new();
    private readonly string _name;
    private volatile int _state;
    private volatile bool _signaled; // set by the switch that resumes this greenlet, under _gate
    private object? _value;          // what that switch passes
    private ExceptionDispatchInfo? _error;

    /// <summary>Creates a greenlet that will call <paramref name="run"/> at its first switch.</summary>
    /// <param name="run">The greenlet's body: its argument is the value of the first switch; its result goes to the parent.</param>
    /// <param name="parent">Where control goes when <paramref name="run"/> ends; the current greenlet by default.</param>
    /// <exception cref="ArgumentException"><paramref name="parent"/> belongs to another thread's greenlets.</exception>
    public Greenlet(Func<object?, object?> run, Greenlet? parent = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var current = Current;
        parent ??= current;
        if (parent._group != current._group)
        {
            throw new ArgumentException($"The parent {parent} belongs to another thread's greenlets: a greenlet's parent must be in the group of the thread creating it.", nameof(parent));
        }

        _run = run;
        _group = current._group;
        Parent = parent;
        _name = $"Greenlet-{Interlocked.Increment(ref s_counter)}";
    }

    private Greenlet(GreenletGroup group)
    {
        _group = group;
        _state = Running;
        _name = $"main greenlet of thread {Environment.CurrentManagedThreadId}";
        group.Active = this;
    }

    /// <summary>
    /// The greenlet that is running: the one whose code calls this, or the calling thread's implicit
    /// main greenlet (created at the first use) on a thread that is not a greenlet's.
    /// </summary>
    public static Greenlet Current => t_current ??= new Greenlet(new GreenletGroup(SystemMonitor.Instance, StartThread));

    /// <summary>Where control goes when this greenlet's run ends; null for a main greenlet.</summary>
    public Greenlet? Parent { get; }

    /// <summary>Whether run has returned or thrown (or the greenlet was killed before it started). A main greenlet is never dead.</summary>
    public bool Dead => _state == Finished;

    /// <summary>Whether the greenlet has been switched to at least once (a main greenlet always has).</summary>
    public bool Started => _state != New;

    /// <summary>
    /// Switches to this greenlet, passing <paramref name="value"/>: at its first switch, the argument
    /// of run; afterwards, the return value of the <see cref="Switch"/> that suspended it. Returns the
    /// value passed by the next switch back into the caller. When run returns, its result is passed
    /// to the parent (the parent's pending switch returns it); when run throws, the exception is
    /// rethrown from the parent's pending switch (a <see cref="GreenletExit"/> is not: it is the
    /// parent's return value, as in CPython). Switching to a dead greenlet switches to its parent
    /// instead (or the parent's parent, and so on), and switching to the current greenlet returns
    /// <paramref name="value"/> at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">This greenlet belongs to another thread's greenlets
    /// (CPython: "cannot switch to a different thread").</exception>
    public object? Switch(object? value = null) => Transfer(value, null);

    /// <summary>
    /// Switches to this greenlet and raises <paramref name="exception"/> (by default a new
    /// <see cref="GreenletExit"/>) inside it, at the switch where it is suspended. Uncaught, it ends the
    /// greenlet: a <see cref="GreenletExit"/> quietly (the parent receives the exception object as its
    /// switch's return value), any other exception is raised in the parent. A greenlet that has not
    /// started dies without running; one that is dead passes it on to its parent.
    /// </summary>
    /// <returns>The value passed by the next switch back into the caller.</returns>
    /// <exception cref="InvalidOperationException">This greenlet belongs to another thread's greenlets.</exception>
    public object? Throw(Exception? exception = null)
    {
        exception ??= new GreenletExit();
        if (Dead && exception is GreenletExit)
        {
            // CPython: throwing GreenletExit into a dead greenlet is a plain switch returning it.
            return Transfer(exception, null);
        }

        return Transfer(null, ExceptionDispatchInfo.Capture(exception));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{_name} ({(_state == New ? "not started" : _state == Running ? "started" : "dead")})";

    /// <summary>
    /// Gives the calling thread a fresh main greenlet in a new group whose hand-offs use
    /// <paramref name="monitor"/> and whose greenlets run on what <paramref name="start"/> starts
    /// (systematic tests: Coyote's monitor and controlled tasks).
    /// </summary>
    internal static Greenlet NewGroupOnThisThread(ISyncMonitor monitor, Action<string, Action> start) =>
        t_current = new Greenlet(new GreenletGroup(monitor, start));

    private static void StartThread(string name, Action body) =>
        new System.Threading.Thread(() => body()) { IsBackground = true, Name = name }.Start();

    // Where a switch to target lands, following CPython's g_switch: a dead greenlet passes it on to
    // its parent; a greenlet that never started and is thrown into dies at once, without running
    // (GreenletExit then becomes a plain value for the parent).
    private static Greenlet Resolve(Greenlet target, ref object? value, ref ExceptionDispatchInfo? error)
    {
        while (true)
        {
            if (target._state == Finished)
            {
                target = target.Parent!; // a main greenlet never dies
            }
            else if (target._state == New && error is not null)
            {
                target._state = Finished;
                if (error.SourceException is GreenletExit exit)
                {
                    value = exit;
                    error = null;
                }

                target = target.Parent!;
            }
            else
            {
                return target;
            }
        }
    }

    private object? Transfer(object? value, ExceptionDispatchInfo? error)
    {
        var current = Current;
        if (current._group != _group)
        {
            throw new InvalidOperationException($"Cannot switch to {this} from {current}: greenlets switch only among those created from one thread.");
        }

        _group.Monitor.Interleave();
        var target = Resolve(this, ref value, ref error);
        if (target == current)
        {
            error?.Throw();
            return value;
        }

        current.HandOff(target, value, error);
        return current.Suspend();
    }

    // Makes target the running greenlet of the group. The caller stops running user code after this.
    private void HandOff(Greenlet target, object? value, ExceptionDispatchInfo? error)
    {
        _group.Active = target;
        if (target._state == New)
        {
            target._state = Running;
            target._value = value;
            _group.Start(target._name, target.Bootstrap);
            return;
        }

        var monitor = _group.Monitor;
        monitor.Enter(target._gate);
        try
        {
            target._value = value;
            target._error = error;
            target._signaled = true;
            monitor.Pulse(target._gate);
        }
        finally
        {
            monitor.Exit(target._gate);
        }
    }

    // Parks this greenlet's thread until a switch resumes it; returns what that switch passed.
    private object? Suspend()
    {
        var monitor = _group.Monitor;
        monitor.Interleave();
        var spinner = default(SpinWait);
        for (var i = 0; i < monitor.SpinCount && !_signaled; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        if (!_signaled)
        {
            monitor.Enter(_gate);
            try
            {
                while (!_signaled)
                {
                    monitor.Wait(_gate, -1);
                }
            }
            finally
            {
                monitor.Exit(_gate);
            }
        }

        // Only the running greenlet resumes anyone, and it is this one now: no one writes these meanwhile.
        _signaled = false;
        var value = _value;
        var error = _error;
        _value = null;
        _error = null;
        error?.Throw();
        return value;
    }

    private void Bootstrap()
    {
        t_current = this;
        object? value = _value;
        _value = null;
        ExceptionDispatchInfo? error = null;
        try
        {
            value = _run!(value);
        }
        catch (GreenletExit exit)
        {
            value = exit;
        }
        catch (Exception e)
        {
            value = null;
            error = ExceptionDispatchInfo.Capture(e);
        }

        _state = Finished;
        t_current = null;
        var target = Resolve(Parent!, ref value, ref error);
        HandOff(target, value, error);
        // The thread ends here: a dead greenlet keeps no thread.
    }

    /// <summary>The greenlets created from one thread: they share its hand-off monitor, and one of them runs.</summary>
    private sealed class GreenletGroup
    {
        internal GreenletGroup(ISyncMonitor monitor, Action<string, Action> start)
        {
            Monitor = monitor;
            Start = start;
        }

        internal ISyncMonitor Monitor { get; }

        internal Action<string, Action> Start { get; }

        /// <summary>The greenlet of the group that runs now (a diagnostic: the hand-off alone enforces it).</summary>
        internal volatile Greenlet? Active;
    }
}
