using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// A thread of control, Python's <c>threading.Thread</c>, over a dedicated
/// <see cref="System.Threading.Thread"/>. Start one in either of the course's two ways: pass a
/// target (with arguments), or subclass and override <see cref="Run"/>. Call <see cref="Start"/>
/// once, then <see cref="Join"/> to wait for it.
/// </summary>
/// <remarks>
/// An exception escaping <see cref="Run"/> does not crash the process (a raw .NET thread would): it
/// goes to <see cref="ExceptHook"/>, which by default prints the thread's name and the exception to
/// standard error. A daemon thread (<see cref="Daemon"/>) is a background thread: it does not keep
/// the process alive once every non-daemon thread has ended.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class Thread
{
    private static readonly object s_registryGate = new();
    private static readonly HashSet<Thread> s_active = new(); // started and not yet finished; guarded by s_registryGate
    private static readonly Lazy<Thread> s_main = new(() => new Thread("MainThread", daemon: false, foreign: true, ident: 1));
    private static int s_counter;
    private static Action<ExceptHookArgs> s_exceptHook = DefaultExceptHook;

    [ThreadStatic]
    private static Thread? t_current;

    private readonly Delegate? _target;
    private readonly object?[] _args;
    private readonly bool _foreign; // represents a thread this class did not start (main or "dummy")
    private readonly System.Threading.ManualResetEventSlim? _startedSignal;
    private System.Threading.Thread? _os;
    private string _name;
    private bool _daemon;
    private int _started;
    private volatile bool _finished;

    /// <summary>
    /// Creates a thread that will run <paramref name="target"/> (or, in a subclass, its overridden
    /// <see cref="Run"/>). Nothing runs until <see cref="Start"/>.
    /// </summary>
    /// <param name="target">What the thread runs; null in a subclass that overrides <see cref="Run"/>.</param>
    /// <param name="name">The thread's name; by default "Thread-N" with the target's method name.</param>
    /// <param name="daemon">Whether it is a daemon thread; by default that of the creating thread.</param>
    public Thread(Action? target = null, string? name = null, bool? daemon = null)
        : this(target, Array.Empty<object?>(), name, daemon, checkedTarget: false)
    {
    }

    /// <summary>
    /// Creates a thread that will call <paramref name="target"/> with <paramref name="args"/>, as
    /// Python's <c>Thread(target=f, args=(...))</c>. The arguments must match the delegate's parameters.
    /// </summary>
    /// <param name="target">The method to call in the new thread.</param>
    /// <param name="args">The arguments passed to it.</param>
    /// <param name="name">The thread's name; by default "Thread-N" with the target's method name.</param>
    /// <param name="daemon">Whether it is a daemon thread; by default that of the creating thread.</param>
    /// <exception cref="ArgumentException">The number of arguments does not match the target's parameters.</exception>
    public Thread(Delegate target, object?[] args, string? name = null, bool? daemon = null)
        : this(target, args, name, daemon, checkedTarget: true)
    {
    }

    private Thread(Delegate? target, object?[] args, string? name, bool? daemon, bool checkedTarget)
    {
        if (checkedTarget)
        {
            ArgumentNullException.ThrowIfNull(target);
        }

        ArgumentNullException.ThrowIfNull(args);
        var parameters = target?.Method.GetParameters().Length ?? 0;
        if (target is not null && parameters != args.Length)
        {
            throw new ArgumentException($"The target takes {parameters} argument(s) but {args.Length} were given.", nameof(args));
        }

        _target = target;
        _args = args;
        _name = string.IsNullOrWhiteSpace(name) ? DefaultName(target) : name;
        _daemon = daemon ?? CurrentThread.Daemon;
        _startedSignal = new System.Threading.ManualResetEventSlim();
    }

    // A thread this class did not start: the main thread, or a "dummy" for any other foreign thread.
    private Thread(string name, bool daemon, bool foreign, int ident)
    {
        _target = null;
        _args = Array.Empty<object?>();
        _name = name;
        _daemon = daemon;
        _foreign = foreign;
        _started = 1;
        Ident = ident;
    }

    /// <summary>
    /// The function every thread's unhandled exception goes to (Python's <c>threading.excepthook</c>).
    /// It runs in the failing thread; an exception it throws is printed and swallowed.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null; assign <see cref="DefaultExceptHook"/> to restore the default.</exception>
    public static Action<ExceptHookArgs> ExceptHook
    {
        get => System.Threading.Volatile.Read(ref s_exceptHook);
        set => System.Threading.Volatile.Write(ref s_exceptHook, value ?? throw new ArgumentNullException(nameof(value), "Assign Thread.DefaultExceptHook to restore the default hook."));
    }

    /// <summary>The <see cref="Thread"/> of the calling thread; a "Dummy-N" daemon thread if this class did not start it.</summary>
    public static Thread CurrentThread => t_current ??= Adopt(System.Threading.Thread.CurrentThread);

    /// <summary>The process's main thread.</summary>
    public static Thread MainThread => s_main.Value;

    /// <summary>How many threads <see cref="Enumerate"/> would list now.</summary>
    public static int ActiveCount
    {
        get
        {
            lock (s_registryGate)
            {
                return s_active.Count + 1;
            }
        }
    }

    /// <summary>The thread's name (not necessarily unique); it may be changed at any time.</summary>
    /// <exception cref="ArgumentException">Set to an empty name.</exception>
    public string Name
    {
        get => _name;
        set => _name = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A thread needs a non-empty name.", nameof(value)) : value;
    }

    /// <summary>
    /// Whether this is a daemon (background) thread, which does not keep the process alive. Settable
    /// only before <see cref="Start"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the thread was started.</exception>
    public bool Daemon
    {
        get => _daemon;
        set
        {
            if (System.Threading.Volatile.Read(ref _started) != 0)
            {
                throw new InvalidOperationException($"Cannot set the daemon status of thread '{Name}' after it was started.");
            }

            _daemon = value;
        }
    }

    /// <summary>The thread's identifier (its managed thread id) once started, else null. May be reused after it ends.</summary>
    public int? Ident { get; private set; }

    /// <summary>The operating system's id of the thread once it runs, else null.</summary>
    public long? NativeId { get; private set; }

    /// <summary>Whether the thread has been started and its <see cref="Run"/> has not yet returned.</summary>
    public bool IsAlive => _foreign ? _os?.IsAlive ?? true : System.Threading.Volatile.Read(ref _started) != 0 && !_finished;

    /// <summary>Every thread alive now: the main thread plus every started <see cref="Thread"/> that has not finished.</summary>
    public static IReadOnlyList<Thread> Enumerate()
    {
        lock (s_registryGate)
        {
            var all = new List<Thread>(s_active.Count + 1) { MainThread };
            all.AddRange(s_active);
            return all;
        }
    }

    /// <summary>The default <see cref="ExceptHook"/>: writes the thread's name and the exception to standard error.</summary>
    public static void DefaultExceptHook(ExceptHookArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Console.Error.WriteLine($"Exception in thread {args.Thread.Name}:");
        Console.Error.WriteLine(args.Exception);
    }

    /// <summary>
    /// Starts the thread: its <see cref="Run"/> begins in a new OS thread. Returns once the new
    /// thread is running (so <see cref="Ident"/> and <see cref="NativeId"/> are set), without waiting for it to finish.
    /// </summary>
    /// <exception cref="InvalidOperationException">The thread was already started: a thread can only be started once.</exception>
    public void Start()
    {
        if (System.Threading.Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"Thread '{Name}' was already started; a thread can only be started once. Create a new Thread to run again.");
        }

        _os = new System.Threading.Thread(Bootstrap) { IsBackground = _daemon, Name = _name };
        _os.Start();
        _startedSignal!.Wait();
        _startedSignal.Dispose();
    }

    /// <summary>
    /// Waits until the thread ends, or until <paramref name="timeout"/> passes (null = no limit).
    /// </summary>
    /// <returns>True if the thread has ended (Python returns nothing: check <see cref="IsAlive"/>).</returns>
    /// <exception cref="InvalidOperationException">The thread was not started, or it is the calling thread (which would wait forever).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (System.Threading.Volatile.Read(ref _started) == 0)
        {
            throw new InvalidOperationException($"Cannot join thread '{Name}' before it is started.");
        }

        if (ReferenceEquals(this, CurrentThread))
        {
            throw new InvalidOperationException($"Thread '{Name}' cannot join itself: it would wait forever.");
        }

        var os = _os;
        return os is null ? !IsAlive : os.Join(deadline.RemainingMilliseconds);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var status = _foreign ? "foreign" : _started == 0 ? "initial" : _finished ? "stopped" : "started";
        return $"<Thread({Name}, {status}{(_daemon ? " daemon" : string.Empty)} {Ident})>";
    }

    /// <summary>
    /// The thread's activity. The default calls the target given to the constructor with its
    /// arguments; a subclass overrides it instead.
    /// </summary>
    protected virtual void Run()
    {
        switch (_target)
        {
            case null:
                return;
            case Action action:
                action();
                return;
            default:
                DelegateCall.Invoke(_target, _args);
                return;
        }
    }

    private static string DefaultName(Delegate? target)
    {
        var n = System.Threading.Interlocked.Increment(ref s_counter);
        var method = target?.Method.Name;
        return method is null || method.Contains('<', StringComparison.Ordinal) ? $"Thread-{n}" : $"Thread-{n} ({method})";
    }

    private static Thread Adopt(System.Threading.Thread os)
    {
        var id = os.ManagedThreadId;
        var adopted = id == 1
            ? MainThread
            : new Thread($"Dummy-{System.Threading.Interlocked.Increment(ref s_counter)}", daemon: true, foreign: true, ident: id);
        adopted._os ??= os;
        adopted.NativeId ??= NativeThreadId.Current();
        return adopted;
    }

    private void Bootstrap()
    {
        t_current = this;
        Ident = Environment.CurrentManagedThreadId;
        NativeId = NativeThreadId.Current();
        lock (s_registryGate)
        {
            s_active.Add(this);
        }

        _startedSignal!.Set();
        try
        {
            Run();
        }
        catch (Exception e)
        {
            InvokeExceptHook(e);
        }
        finally
        {
            lock (s_registryGate)
            {
                s_active.Remove(this);
            }

            _finished = true;
        }
    }

    private void InvokeExceptHook(Exception exception)
    {
        try
        {
            ExceptHook(new ExceptHookArgs(exception, this));
        }
        catch (Exception hookFailure)
        {
            // The hook is the last line of defence: never let the thread's failure crash the process.
            Console.Error.WriteLine("Exception in Thread.ExceptHook:");
            Console.Error.WriteLine(hookFailure);
            Console.Error.WriteLine($"while handling the exception in thread {Name}:");
            Console.Error.WriteLine(exception);
        }
    }
}
