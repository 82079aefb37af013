using System.Runtime.ExceptionServices;
using Concurrency.Runtime.Internal;
using ExecutionContext = System.Threading.ExecutionContext;
using SendOrPostCallback = System.Threading.SendOrPostCallback;
using SynchronizationContext = System.Threading.SynchronizationContext;

namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// One hub: its run queue, timer heap, live greenlets and the loop that runs them on one thread.
/// Everything but <see cref="Post"/>, <see cref="WaitFinished"/> and the greenlets' Kill/Join is
/// called on the hub's thread only, so the greenlet states, timers and live list need no lock.
/// </summary>
internal sealed class HubLoop
{
    [ThreadStatic]
    private static HubLoop? t_current;

    private static readonly SendOrPostCallback s_completeYield = state => ((HubWait)state!).Complete(true);

    private readonly HubRunQueue _queue;
    private readonly HubTimerHeap _timers = new();
    private readonly Func<long> _clock; // Stopwatch ticks
    private readonly object _finishedGate = new();
    private System.Collections.Generic.Queue<HubWorkItem> _spare = new();
    private ExecutionContext? _baseContext;
    private HubGreenlet? _live; // doubly linked list of greenlets not dead yet (main included)
    private int _liveCount;
    private ExceptionDispatchInfo? _unobserved;
    private bool _stopping;
    private bool _finished; // guarded by _finishedGate

    internal HubLoop(ISyncMonitor monitor, Func<long>? clock = null)
    {
        Monitor = monitor;
        _clock = clock ?? Stopwatch.GetTimestamp;
        _queue = new HubRunQueue(monitor);
        Context = new HubSynchronizationContext(this);
        Scheduler = new HubTaskScheduler(this);
    }

    /// <summary>The hub whose thread this is, or null.</summary>
    internal static HubLoop? Current => t_current;

    internal ISyncMonitor Monitor { get; }

    internal HubSynchronizationContext Context { get; }

    internal HubTaskScheduler Scheduler { get; }

    /// <summary>The managed id of the hub's thread (0 before it runs).</summary>
    internal int ThreadId { get; private set; }

    /// <summary>Whether the current thread is this hub's.</summary>
    internal bool IsCurrent => t_current == this;

    /// <summary>Main has ended (or an unobserved exception stopped the hub): later spawns are killed before they start.</summary>
    internal bool Stopping => _stopping;

    /// <summary>An exception no task observed (async void, a throwing posted callback), rethrown from Run.</summary>
    internal ExceptionDispatchInfo? Unobserved => _unobserved;

    /// <summary>Queues work for the hub's thread; false once the hub has ended.</summary>
    internal bool Post(SendOrPostCallback callback, object? state) => _queue.Post(callback, state);

    /// <summary>
    /// Runs the loop on the calling thread until <paramref name="main"/> and every greenlet are dead:
    /// when main dies the others are killed and the loop goes on until their finally blocks have run.
    /// </summary>
    internal void Run(HubGreenlet main)
    {
        var previousContext = SynchronizationContext.Current;
        t_current = this;
        ThreadId = Environment.CurrentManagedThreadId;
        SynchronizationContext.SetSynchronizationContext(Context);
        _baseContext = ExecutionContext.Capture();
        try
        {
            Register(main);
            main.Start();
            while (true)
            {
                FireDueTimers();
                if (!_stopping && main.Dead)
                {
                    Stop();
                }

                if (_stopping && _liveCount == 0)
                {
                    break;
                }

                var batch = _queue.Take(_spare, WaitMilliseconds());
                while (batch.TryDequeue(out var item))
                {
                    RunItem(item);
                    if (!_stopping && main.Dead)
                    {
                        Stop();
                    }
                }

                _spare = batch;
            }
        }
        catch (Exception e)
        {
            _unobserved ??= ExceptionDispatchInfo.Capture(e); // a fault of the loop itself: Run rethrows it
        }
        finally
        {
            // Work posted after the end (a continuation that left with ConfigureAwait(false) and came
            // back, a task queued to the hub's scheduler) has no hub to run on: the thread pool runs it.
            var left = _queue.Close();
            while (left.TryDequeue(out var item))
            {
                HubSynchronizationContext.RunElsewhere(item.Callback, item.State);
            }

            SynchronizationContext.SetSynchronizationContext(previousContext);
            t_current = null;
            Monitor.Interleave();
            Monitor.Enter(_finishedGate);
            _finished = true;
            Monitor.PulseAll(_finishedGate);
            Monitor.Exit(_finishedGate);
        }
    }

    /// <summary>Blocks (through the monitor) until <see cref="Run"/> has returned on the hub's thread.</summary>
    internal void WaitFinished()
    {
        Monitor.Interleave();
        Monitor.Enter(_finishedGate);
        try
        {
            while (!_finished)
            {
                Monitor.Wait(_finishedGate, -1);
            }
        }
        finally
        {
            Monitor.Exit(_finishedGate);
        }
    }

    /// <summary>A new greenlet is alive (hub thread, or before the loop starts).</summary>
    internal void Register(HubGreenlet greenlet)
    {
        greenlet.NextLive = _live;
        if (_live is not null)
        {
            _live.PreviousLive = greenlet;
        }

        _live = greenlet;
        _liveCount++;
    }

    /// <summary>A greenlet died (hub thread).</summary>
    internal void Unregister(HubGreenlet greenlet)
    {
        if (greenlet.PreviousLive is { } previous)
        {
            previous.NextLive = greenlet.NextLive;
        }
        else if (_live == greenlet)
        {
            _live = greenlet.NextLive;
        }

        if (greenlet.NextLive is { } next)
        {
            next.PreviousLive = greenlet.PreviousLive;
        }

        greenlet.NextLive = greenlet.PreviousLive = null;
        _liveCount--;
    }

    /// <summary>The loop's own execution context, restored after code of ours changed it (hub thread).</summary>
    internal void RestoreBaseContext()
    {
        if (_baseContext is not null)
        {
            ExecutionContext.Restore(_baseContext);
        }
    }

    /// <summary>A wait that ends after <paramref name="delay"/> (hub thread); zero = after the greenlets ready now have run.</summary>
    internal HubWait Sleep(TimeSpan delay, HubGreenlet? owner)
    {
        var wait = new HubWait(owner, 0);
        owner?.SetWait(wait);
        if (delay <= TimeSpan.Zero)
        {
            _queue.Post(s_completeYield, wait);
        }
        else
        {
            AddTimer(delay, wait);
        }

        return wait;
    }

    /// <summary>A wait that ends when every greenlet of <paramref name="greenlets"/> is dead, or after <paramref name="timeout"/> (hub thread).</summary>
    internal Task<bool> JoinAll(TimeSpan? timeout, IReadOnlyList<HubGreenlet> greenlets, HubGreenlet? owner)
    {
        var pending = 0;
        foreach (var greenlet in greenlets)
        {
            if (!greenlet.Dead)
            {
                pending++;
            }
        }

        if (pending == 0)
        {
            return HubGreenlet.TrueTask;
        }

        var wait = new HubWait(owner, pending);
        foreach (var greenlet in greenlets)
        {
            if (!greenlet.Dead)
            {
                greenlet.AddJoinWaiter(wait);
            }
        }

        if (timeout is { } span && span != System.Threading.Timeout.InfiniteTimeSpan)
        {
            AddTimer(span, wait);
        }

        owner?.SetWait(wait);
        return wait.Task;
    }

    /// <summary>Routes an exception no task observes to Run (hub thread): the hub stops, every greenlet is killed.</summary>
    internal void OnUnobserved(Exception exception)
    {
        // Main too (Stop kills every live greenlet): Run rethrows it once every finally block has run.
        _unobserved ??= ExceptionDispatchInfo.Capture(exception);
        Stop();
    }

    private void AddTimer(TimeSpan delay, HubWait wait)
    {
        var ticks = delay.TotalSeconds * Stopwatch.Frequency;
        var now = _clock();
        var due = ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
        _timers.Add(due, wait);
    }

    private void Stop()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        for (var g = _live; g is not null; g = g.NextLive)
        {
            g.Kill();
        }
    }

    private int WaitMilliseconds()
    {
        if (_timers.Count == 0)
        {
            return -1;
        }

        var left = _timers.NextDue - _clock();
        if (left <= 0)
        {
            return 0;
        }

        var ms = Math.Ceiling(left * 1000.0 / Stopwatch.Frequency);
        return ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
    }

    private void FireDueTimers()
    {
        if (_timers.Count == 0)
        {
            return;
        }

        var now = _clock();
        while (_timers.Count > 0 && _timers.NextDue <= now)
        {
            var wait = _timers.Pop();
            try
            {
                wait.Complete(false); // the sleeper's continuation runs inline, here
            }
            catch (Exception e)
            {
                OnUnobserved(e);
            }

            AfterItem();
        }
    }

    private void RunItem(HubWorkItem item)
    {
        try
        {
            item.Callback(item.State);
        }
        catch (Exception e)
        {
            OnUnobserved(e);
        }

        AfterItem();
    }

    private void AfterItem()
    {
        // User code may have replaced the context; the hub's work always runs under its own.
        if (SynchronizationContext.Current != Context)
        {
            SynchronizationContext.SetSynchronizationContext(Context);
        }
    }
}

/// <summary>
/// The hub's <see cref="SynchronizationContext"/>: an <c>await</c> on the hub thread captures it, so
/// the continuation is posted back to the hub's run queue — the "monkey patching" that makes every
/// .NET async call switch cooperatively.
/// </summary>
internal sealed class HubSynchronizationContext : SynchronizationContext
{
    private static readonly Action<(SendOrPostCallback Callback, object? State)> s_runElsewhere = item => item.Callback(item.State);
    private readonly HubLoop _loop;

    internal HubSynchronizationContext(HubLoop loop)
    {
        _loop = loop;
    }

    /// <summary>Runs a callback the ended hub can no longer run, on the thread pool.</summary>
    internal static void RunElsewhere(SendOrPostCallback callback, object? state) =>
        System.Threading.ThreadPool.QueueUserWorkItem(s_runElsewhere, (callback, state), preferLocal: false);

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!_loop.Post(d, state))
        {
            RunElsewhere(d, state);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (_loop.IsCurrent)
        {
            d(state);
            return;
        }

        // Another thread: run it on the hub and wait (through the monitor) until it has run.
        var call = new SentCall(d, state, _loop.Monitor);
        Post(SentCall.Run, call);
        call.Wait();
    }

    public override SynchronizationContext CreateCopy() => this;

    private sealed class SentCall
    {
        internal static readonly SendOrPostCallback Run = state => ((SentCall)state!).Invoke();
        private readonly SendOrPostCallback _callback;
        private readonly object? _state;
        private readonly ISyncMonitor _monitor;
        private ExceptionDispatchInfo? _failure;
        private bool _done;

        internal SentCall(SendOrPostCallback callback, object? state, ISyncMonitor monitor)
        {
            _callback = callback;
            _state = state;
            _monitor = monitor;
        }

        internal void Wait()
        {
            _monitor.Enter(this);
            try
            {
                while (!_done)
                {
                    _monitor.Wait(this, -1);
                }
            }
            finally
            {
                _monitor.Exit(this);
            }

            _failure?.Throw();
        }

        private void Invoke()
        {
            try
            {
                _callback(_state);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }

            _monitor.Enter(this);
            _done = true;
            _monitor.PulseAll(this);
            _monitor.Exit(this);
        }
    }
}

/// <summary>
/// The hub's <see cref="TaskScheduler"/> (<see cref="Hub.Scheduler"/>): tasks started on it run on
/// the hub's thread, one at a time, in the order queued.
/// </summary>
internal sealed class HubTaskScheduler : TaskScheduler
{
    private readonly HubLoop _loop;
    private readonly SendOrPostCallback _execute;

    internal HubTaskScheduler(HubLoop loop)
    {
        _loop = loop;
        _execute = state => TryExecuteTask((Task)state!);
    }

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        if (!_loop.Post(_execute, task))
        {
            throw new InvalidOperationException("The hub has ended: no task can be queued to its scheduler any more.");
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _loop.IsCurrent && TryExecuteTask(task);

    protected override IEnumerable<Task>? GetScheduledTasks() => null;
}
