using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Concurrency.Runtime.Internal;
using CancellationToken = System.Threading.CancellationToken;
using CancellationTokenSource = System.Threading.CancellationTokenSource;
using ExecutionContext = System.Threading.ExecutionContext;
using Interlocked = System.Threading.Interlocked;
using SendOrPostCallback = System.Threading.SendOrPostCallback;
using Volatile = System.Threading.Volatile;

namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// A coroutine spawned on a hub (<see cref="Hub.Spawn(Func{Task})"/>), gevent's <c>Greenlet</c>: its
/// function runs on the hub's thread, starting at the hub's next switch, and switches wherever it
/// awaits. It ends finished (the function returned), failed (<see cref="Exception"/>) or killed
/// (<see cref="Kill"/>: <see cref="GreenletExit"/> raised at its next switch point).
/// </summary>
/// <remarks>
/// The state (<see cref="Dead"/>, <see cref="Killed"/>, <see cref="Exception"/>) changes on the hub's
/// thread only and may be read from any thread. <see cref="Kill"/>, <see cref="Join"/> and
/// <see cref="JoinAsync"/> may be called from any thread; <see cref="Join"/> blocks the calling
/// thread, so never on the hub's own thread.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class HubGreenlet
{
    internal static readonly Task<bool> TrueTask = Task.FromResult(true);

    private const int StateNotStarted = 0;
    private const int StateRunning = 1;
    private const int StateFinished = 2; // >= StateFinished: dead
    private const int StateFailed = 3;
    private const int StateKilled = 4;

    private static readonly SendOrPostCallback s_start = state => ((HubGreenlet)state!).Start();
    private static readonly SendOrPostCallback s_applyKill = state => ((HubGreenlet)state!).ApplyKill();
    private static readonly SendOrPostCallback s_finish = state => ((HubGreenlet)state!).Finish();

    private object? _fn;                      // the function, until it starts
    private ExecutionContext? _context;       // the spawner's, until it starts
    private Task? _task;                      // the function's task, until it is dead
    private ExceptionDispatchInfo? _failure;  // written before _state becomes Failed
    private HubWait? _wait;                   // the switch point it waits at (hub thread)
    private object? _joinWaiters;             // null, one HubWait or a List of them (hub thread)
    private CancellationTokenSource? _cts;    // Hub.Cancellation's source, created on first use
    private TaskCompletionSource<bool>? _done; // for joiners outside the hub, created on first use
    private object? _joinGate;                // for Join's blocking wait, created on first use
    private int _state;                       // read with Volatile; the end state is written with Interlocked
    private int _killRequested;
    private int _killApplied;

    internal HubGreenlet(HubLoop loop, object fn)
    {
        Loop = loop;
        _fn = fn;
        _context = ExecutionContext.Capture();
    }

    /// <summary>Whether it is finished, failed or killed. Never blocks.</summary>
    public bool Dead => State >= StateFinished;

    /// <summary>Whether it was killed (<see cref="Kill"/>) before it finished, and ended with the kill. Never blocks.</summary>
    public bool Killed => State == StateKilled;

    /// <summary>The exception its function ended with; null while alive, when it finished or when it was killed. Never blocks.</summary>
    public Exception? Exception => State == StateFailed ? _failure!.SourceException : null;

    internal HubLoop Loop { get; }

    private int State => Volatile.Read(ref _state);

    internal bool KillRequested => Volatile.Read(ref _killRequested) != 0;

    // The hub's list of live greenlets (hub thread).
    internal HubGreenlet? NextLive { get; set; }

    internal HubGreenlet? PreviousLive { get; set; }

    /// <summary>The kill token (<see cref="Hub.Cancellation"/>); cancelled on the hub's thread when the kill reaches it.</summary>
    internal CancellationToken Token
    {
        get
        {
            var cts = Volatile.Read(ref _cts);
            if (cts is null)
            {
                var created = new CancellationTokenSource();
                cts = Interlocked.CompareExchange(ref _cts, created, null) ?? created;
                if (cts == created && Volatile.Read(ref _killApplied) != 0)
                {
                    cts.Cancel(); // the kill came first; nothing is registered on it yet
                }
            }

            return cts.Token;
        }
    }

    /// <summary>
    /// Blocks the calling thread until the greenlet is dead or <paramref name="timeout"/> has passed
    /// (null = no limit), through the runtime's monitor. Called inside another hub, it blocks that hub.
    /// </summary>
    /// <returns><see cref="Dead"/>: false when the timeout expired first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    /// <exception cref="InvalidOperationException">Called on the greenlet's own hub thread: the hub would stall forever; use <c>await JoinAsync()</c>.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (Loop.IsCurrent)
        {
            throw new InvalidOperationException("HubGreenlet.Join blocks the thread, and this is the greenlet's own hub thread: the hub would stall and the greenlet could never run. Inside the hub use 'await greenlet.JoinAsync()' (or 'await Hub.JoinAll(...)').");
        }

        if (Dead)
        {
            return true;
        }

        var gate = JoinGate();
        var monitor = Loop.Monitor;
        monitor.Interleave();
        monitor.Enter(gate);
        try
        {
            while (!Dead)
            {
                var ms = deadline.RemainingMilliseconds;
                if (ms == 0)
                {
                    return false;
                }

                monitor.Wait(gate, ms);
            }

            return true;
        }
        finally
        {
            monitor.Exit(gate);
        }
    }

    /// <summary>
    /// Completes with true when the greenlet is dead, or with false when <paramref name="timeout"/>
    /// (null = no limit) passes first. Inside the hub it is a switch point: the awaiting greenlet is
    /// killed there if <see cref="Kill"/> reaches it. Never blocks; never throws the greenlet's exception.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    public Task<bool> JoinAsync(TimeSpan? timeout = null)
    {
        Deadline.ValidateTimeout(timeout);
        if (Dead)
        {
            return TrueTask;
        }

        return Loop.IsCurrent ? Loop.JoinAll(timeout, new[] { this }, Hub.CurrentGreenlet(Loop)) : JoinElsewhere(timeout, DoneTask());
    }

    /// <summary>
    /// Kills the greenlet: one not started yet never runs; a running one gets <see cref="GreenletExit"/>
    /// at its next switch point (<see cref="Hub.Sleep"/>, a join, or an await that observes
    /// <see cref="Hub.Cancellation"/>), so its finally blocks run. Idempotent, callable from any
    /// thread, never blocks and does not wait for the greenlet to die (<see cref="Join"/> for that).
    /// </summary>
    public void Kill()
    {
        if (Dead || Interlocked.Exchange(ref _killRequested, 1) != 0)
        {
            return;
        }

        // Applied on the hub at its next turn; false only once the hub has ended, when every greenlet is dead.
        Loop.Post(s_applyKill, this);
    }

    /// <summary>Lets code <c>await</c> the greenlet: completes when it is dead, rethrowing its <see cref="Exception"/> (a killed greenlet completes normally).</summary>
    public TaskAwaiter GetAwaiter() => AwaitDead().GetAwaiter();

    /// <inheritdoc/>
    public override string ToString()
    {
        var state = State switch
        {
            StateNotStarted => "not started",
            StateRunning => "running",
            StateFinished => "finished",
            StateFailed => $"failed with {_failure!.SourceException.GetType().Name}",
            _ => "killed",
        };
        return $"<HubGreenlet {state}>";
    }

    /// <summary>Joins a set of greenlets from outside their hub: the task completes with true when all are dead, false on timeout.</summary>
    internal static async Task<bool> JoinElsewhere(TimeSpan? timeout, Task done)
    {
        if (timeout is not { } span || span == System.Threading.Timeout.InfiniteTimeSpan)
        {
            await done.ConfigureAwait(false);
            return true;
        }

        using var cancelDelay = new CancellationTokenSource();
        var first = await Task.WhenAny(done, Task.Delay(span, cancelDelay.Token)).ConfigureAwait(false);
        cancelDelay.Cancel();
        return first == done;
    }

    /// <summary>A task that completes (never faults) when the greenlet is dead; its continuations run asynchronously.</summary>
    internal Task<bool> DoneTask()
    {
        var done = Volatile.Read(ref _done);
        if (done is null)
        {
            var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            done = Interlocked.CompareExchange(ref _done, created, null) ?? created;
            if (Dead)
            {
                done.TrySetResult(true);
            }
        }

        return done.Task;
    }

    /// <summary>Starts the function (hub thread), unless it was killed first.</summary>
    internal void Start()
    {
        if (_state != StateNotStarted)
        {
            return; // killed before it started: already dead
        }

        if (KillRequested)
        {
            Die(StateKilled);
            return;
        }

        _state = StateRunning;
        var fn = _fn!;
        _fn = null;
        if (_context is { } context)
        {
            ExecutionContext.Restore(context);
            _context = null;
        }

        Task? task;
        try
        {
            Hub.SetCurrentGreenlet(this);
            task = Invoke(fn);
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }
        finally
        {
            Loop.RestoreBaseContext();
        }

        _task = task ?? Task.FromException(new InvalidOperationException("The function given to Hub.Spawn/Hub.Run returned a null task."));
        if (_task.IsCompleted)
        {
            Finish();
        }
        else
        {
            // Captures the hub's context: inline when the task completes on the hub thread, posted to
            // the hub otherwise. (A context-free continuation would go through the thread pool: .NET
            // never inlines one on a thread with a SynchronizationContext of its own.)
            _task.GetAwaiter().UnsafeOnCompleted(OnTaskDone);
        }
    }

    /// <summary>A spawn on this greenlet's hub: alive now, started at the next turn (killed at once if the hub is stopping).</summary>
    internal void Schedule()
    {
        Loop.Register(this);
        Loop.Post(s_start, this);
        if (Loop.Stopping)
        {
            Kill();
        }
    }

    internal void SetWait(HubWait wait) => _wait = wait;

    internal void ClearWait(HubWait wait)
    {
        if (_wait == wait)
        {
            _wait = null;
        }
    }

    /// <summary>Hub thread: <paramref name="wait"/> is told when this greenlet dies.</summary>
    internal void AddJoinWaiter(HubWait wait)
    {
        switch (_joinWaiters)
        {
            case null:
                _joinWaiters = wait;
                break;
            case List<HubWait> list:
                list.Add(wait);
                break;
            default:
                _joinWaiters = new List<HubWait> { (HubWait)_joinWaiters, wait };
                break;
        }
    }

    /// <summary>After it is dead: rethrows the exception it failed with (main's, from Hub.Run).</summary>
    internal void RethrowFailure()
    {
        if (State == StateFailed)
        {
            _failure!.Throw();
        }
    }

    /// <summary>Calls the function; the generic greenlet's is a <see cref="Func{TResult}"/> of a <see cref="Task{TResult}"/>.</summary>
    private protected virtual Task? Invoke(object fn) => ((Func<Task>)fn)();

    /// <summary>Takes the value of the function's successful task (hub thread, before the state is published).</summary>
    private protected virtual void SetValue(Task task)
    {
    }

    private async Task AwaitDead()
    {
        await JoinAsync();
        RethrowFailure();
    }

    private protected async Task<T> AwaitDead<T>(Func<T> value)
    {
        await JoinAsync();
        RethrowFailure();
        return value();
    }

    private object JoinGate()
    {
        var gate = Volatile.Read(ref _joinGate);
        if (gate is null)
        {
            var created = new object();
            gate = Interlocked.CompareExchange(ref _joinGate, created, null) ?? created;
        }

        return gate;
    }

    private void OnTaskDone()
    {
        if (Loop.IsCurrent || !Loop.Post(s_finish, this))
        {
            Finish(); // on the hub (or the hub has ended: nobody else touches the state)
        }
    }

    private void Finish()
    {
        var task = _task!;
        _task = null;
        if (task.IsCompletedSuccessfully)
        {
            SetValue(task);
            Die(StateFinished);
            return;
        }

        var failure = Unwrap(task);
        if (failure is OperationCanceledException && KillRequested)
        {
            Die(StateKilled);
            return;
        }

        _failure = ExceptionDispatchInfo.Capture(failure);
        Die(StateFailed);
    }

    private static Exception Unwrap(Task task)
    {
        if (task.Exception is { InnerExceptions.Count: > 0 } aggregate)
        {
            return aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
        }

        try
        {
            task.GetAwaiter().GetResult(); // a cancelled task rethrows the OperationCanceledException it ended with
            return new TaskCanceledException(task);
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Hub thread: publishes the end state, then tells every joiner.</summary>
    private void Die(int state)
    {
        _fn = null;
        _context = null;
        _wait = null;
        Interlocked.Exchange(ref _state, state); // a full fence: joiners' gates are read after it
        Loop.Unregister(this);
        switch (_joinWaiters)
        {
            case HubWait one:
                one.OneDied();
                break;
            case List<HubWait> list:
                foreach (var wait in list)
                {
                    wait.OneDied();
                }

                break;
        }

        _joinWaiters = null;
        Volatile.Read(ref _done)?.TrySetResult(true);
        if (Volatile.Read(ref _joinGate) is { } gate)
        {
            var monitor = Loop.Monitor;
            monitor.Interleave();
            monitor.Enter(gate);
            monitor.PulseAll(gate);
            monitor.Exit(gate);
        }
    }

    private void ApplyKill()
    {
        if (Dead)
        {
            return;
        }

        if (_state == StateNotStarted)
        {
            Die(StateKilled); // its start, still queued, finds it dead
            return;
        }

        Interlocked.Exchange(ref _killApplied, 1);
        Volatile.Read(ref _cts)?.Cancel(); // registered callbacks run here, on the hub, at the top of a turn
        var wait = _wait;
        _wait = null;
        wait?.Kill();
    }
}

/// <summary>A hub greenlet whose function produces a value (<see cref="Hub.Spawn{T}(Func{Task{T}})"/>).</summary>
public sealed class HubGreenlet<T> : HubGreenlet
{
    private T _value = default!;

    internal HubGreenlet(HubLoop loop, Func<Task<T>> fn)
        : base(loop, fn)
    {
    }

    /// <summary>What the function returned; <c>default(T)</c> until it finished successfully (gevent: None). Never blocks.</summary>
    public T Value => _value;

    /// <summary>Lets code <c>await</c> the greenlet for its value: rethrows its <see cref="HubGreenlet.Exception"/>; a killed greenlet gives <c>default(T)</c>.</summary>
    public new TaskAwaiter<T> GetAwaiter() => AwaitDead(() => _value).GetAwaiter();

    private protected override Task? Invoke(object fn) => ((Func<Task<T>>)fn)();

    private protected override void SetValue(Task task) => _value = ((Task<T>)task).Result;
}
