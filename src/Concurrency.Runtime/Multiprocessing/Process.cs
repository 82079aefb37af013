using System.IO;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A real operating-system child process running a target, Python's <c>multiprocessing.Process</c>
/// with the <c>spawn</c> start method: the child is this same program started again, which
/// <see cref="EnterChildIfRequested"/> (the first statement of <c>Main</c>) turns into a run of the
/// target. Start it the course's two ways: with a target (a static method or a lambda that captures
/// nothing) plus arguments, or by subclassing and overriding <see cref="Run"/>; the subclass's public
/// properties and fields travel to the child as JSON.
/// </summary>
/// <remarks>
/// <para>Named like <see cref="System.Diagnostics.Process"/>, on purpose (the course's name). Inside
/// a file that also uses <c>System.Diagnostics</c>, put <c>using Concurrency.Runtime.Multiprocessing;</c>
/// inside your namespace or alias it (<c>using Mp = Concurrency.Runtime.Multiprocessing;</c>).</para>
/// <para>The child's standard input is a pipe from the parent (used to hand over the target and, for
/// a daemon, to notice the parent's death); its standard output and error are the parent's.</para>
/// <para>The .NET runtime reaps a child it started as soon as it exits (its SIGCHLD handler), so no
/// <c>&lt;defunct&gt;</c> zombie lingers even before <see cref="Join"/>; the exit code is kept. A
/// non-daemon child outlives a parent that is killed: it becomes an orphan, adopted by init (or a
/// subreaper), and its <see cref="ParentPid"/> changes accordingly. When the parent exits normally it
/// first terminates its daemon children and then waits for the others, as Python does.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public partial class Process
{
    /// <summary>The environment variable that marks a child; the guard removes it so grandchildren are spawned normally.</summary>
    internal const string ChildVariable = "CONCURRENCY_RUNTIME_MP_CHILD";

    internal const string GuardCall = "Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();";

    private static readonly object s_registry = new();
    private static readonly List<Process> s_children = new();      // guarded by s_registry
    private static readonly List<int> s_spawnedPids = new();        // guarded by s_registry
    private static int s_counter;
    private static volatile bool s_guardCalled;
    private static string? s_executable;
    private static Process? s_current;
    private static bool s_exitHooked;                               // guarded by s_registry

    private readonly object _sync = new();
    private readonly Delegate? _target;
    private readonly object?[] _args = Array.Empty<object?>();
    private readonly TargetSpec? _spec;
    private Action? _childBody;
    private System.Diagnostics.Process? _os;                        // guarded by _sync
    private Stream? _lifeline;                                      // the child's stdin, kept open for a daemon
    private string _name;
    private bool _daemon;
    private bool _isSelf;
    private int _creatorPid;
    private string? _resultPath;
    private ChildProcessException? _error;
    private bool _collected;                                         // guarded by _sync

    /// <summary>
    /// Creates a process that will run <paramref name="target"/>, a static method or a lambda that
    /// captures nothing, in a child. Nothing starts until <see cref="Start"/>.
    /// </summary>
    /// <param name="target">A static method or non-capturing lambda; the child finds it by declaring type and name.</param>
    /// <param name="name">The name, default <c>Process-N</c>.</param>
    /// <param name="daemon">Whether the child dies with this process (see <see cref="Daemon"/>).</param>
    /// <exception cref="ArgumentException">The target captures variables or is an instance method.</exception>
    public Process(Action target, string? name = null, bool daemon = false)
        : this((Delegate)target, Array.Empty<object?>(), name, daemon)
    {
    }

    /// <summary>
    /// Creates a process that will call <paramref name="target"/> with <paramref name="args"/> in a
    /// child, Python's <c>Process(target=f, args=(...))</c>. The arguments are serialized at
    /// <see cref="Start"/>; each must be JSON-serializable (see docs/runtime.md) or one of this
    /// namespace's IPC objects.
    /// </summary>
    /// <exception cref="ArgumentException">The target captures variables, is an instance method, is generic, or the number of arguments does not match.</exception>
    public Process(Delegate target, object?[] args, string? name = null, bool daemon = false)
    {
        _spec = TargetSpec.Describe(target, args);
        _target = target;
        _args = (object?[])args.Clone();
        _name = name ?? NextName();
        _daemon = daemon;
    }

    /// <summary>
    /// For a subclass that overrides <see cref="Run"/>: its public properties and fields are its
    /// state and travel to the child, which recreates the object (a public parameterless constructor
    /// is needed) and calls <see cref="Run"/>.
    /// </summary>
    protected Process(string? name = null, bool daemon = false)
    {
        _name = name ?? NextName();
        _daemon = daemon;
    }

    private Process(string name, bool daemon, bool isSelf)
    {
        _name = name;
        _daemon = daemon;
        _isSelf = isSelf;
    }

    /// <summary>
    /// The process this code runs in, Python's <c>current_process()</c>: in a child, the process
    /// object being run (same name, same daemon flag); in the main program, one named <c>MainProcess</c>.
    /// </summary>
    [JsonIgnore]
    public static Process Current
    {
        get
        {
            var current = System.Threading.Volatile.Read(ref s_current);
            if (current is null)
            {
                System.Threading.Interlocked.CompareExchange(ref s_current, new Process("MainProcess", daemon: false, isSelf: true), null);
                current = s_current!;
            }

            return current;
        }
    }

    /// <summary>The process's name, for messages; it has no meaning to the operating system.</summary>
    [JsonIgnore]
    public string Name
    {
        get => _name;
        set => _name = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Whether the child is a daemon: it is terminated when this process exits, normally or killed
    /// (even by SIGKILL: the child watches a pipe from this process and exits when it breaks), and it
    /// may not start children of its own. Set it before <see cref="Start"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/>.</exception>
    [JsonIgnore]
    public bool Daemon
    {
        get => _daemon;
        set
        {
            if (_os is not null || _isSelf)
            {
                throw new InvalidOperationException($"Daemon can only be set before Start ({_name} has started).");
            }

            _daemon = value;
        }
    }

    /// <summary>The operating-system process id: null before <see cref="Start"/>; for <see cref="Current"/>, this process's id.</summary>
    [JsonIgnore]
    public int? Pid => _isSelf ? Environment.ProcessId : _os?.Id;

    /// <summary>
    /// The parent's process id, Python's <c>os.getppid()</c>: for <see cref="Current"/> it is read live
    /// from the operating system (on Linux <c>/proc/self/stat</c>), so it changes when an orphan is
    /// adopted; for a started child it is the id of the process that started it; null before
    /// <see cref="Start"/> (and for <see cref="Current"/> on Windows).
    /// </summary>
    [JsonIgnore]
    public int? ParentPid => _isSelf ? Native.ParentPid() : _os is null ? null : _creatorPid;

    /// <summary>Whether the child has started and not yet ended (true for <see cref="Current"/>). Never blocks.</summary>
    [JsonIgnore]
    public bool IsAlive
    {
        get
        {
            if (_isSelf)
            {
                return true;
            }

            var os = _os;
            return os is not null && !os.HasExited;
        }
    }

    /// <summary>
    /// The child's exit code once it has ended, else null (not started, or still running): 0 when
    /// the target returned, 1 when it threw (see <see cref="Error"/>), the code it passed to
    /// <see cref="Environment.Exit"/>, or 128 + n when a signal n ended it (143 after
    /// <see cref="Terminate"/>, 137 after <see cref="Kill"/>; Python shows -n). Never blocks.
    /// </summary>
    [JsonIgnore]
    public int? ExitCode
    {
        get
        {
            var os = _os;
            if (_isSelf || os is null || !os.HasExited)
            {
                return null;
            }

            Collect();
            return os.ExitCode;
        }
    }

    /// <summary>
    /// The exception that escaped the child's target (its type, message and stack trace), once the
    /// child has ended; null if it has not ended or did not throw.
    /// </summary>
    [JsonIgnore]
    public ChildProcessException? Error => ExitCode is null ? null : _error;

    /// <summary>
    /// The child-entry guard, the role of Python's <c>if __name__ == '__main__':</c>. Call it as the
    /// first statement of <c>Main</c> (or of the top-level statements). In the program you started it
    /// returns at once; in a child this program was started as, it runs the process's target and
    /// exits with its exit code, never returning, so the rest of <c>Main</c> does not run again.
    /// </summary>
    public static void EnterChildIfRequested()
    {
        s_guardCalled = true;
        if (Environment.GetEnvironmentVariable(ChildVariable) is null)
        {
            return;
        }

        Environment.SetEnvironmentVariable(ChildVariable, null);
        Environment.Exit(ChildEntry.Run());
    }

    /// <summary>
    /// Chooses the program children are started as, Python's <c>multiprocessing.set_executable</c>:
    /// an executable or a <c>.dll</c> (run with <c>dotnet</c>) whose <c>Main</c> calls
    /// <see cref="EnterChildIfRequested"/> first. Targets are found by their assembly's file, so they
    /// need not belong to that program. Null restores the default: this program itself. Used by hosts
    /// that cannot be started again, such as a test runner.
    /// </summary>
    /// <exception cref="FileNotFoundException"><paramref name="path"/> does not exist.</exception>
    public static void SetExecutable(string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"SetExecutable: no file at '{path}'.", path);
        }

        System.Threading.Volatile.Write(ref s_executable, path);
    }

    /// <summary>
    /// Starts the child: checks the target and serializes its arguments (or the subclass's state),
    /// then starts this program again as a new OS process and hands them over. Returns without waiting
    /// for the child to run. Errors in the arguments are raised here, before anything is spawned.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started; called in a daemon child; the program has no child-entry guard (the message names the line to add); or a subclass's state cannot travel.</exception>
    /// <exception cref="ArgumentException">An argument cannot be serialized.</exception>
    public void Start()
    {
        if (_isSelf)
        {
            throw new InvalidOperationException($"{_name} is the running process; it cannot be started.");
        }

        if (_os is not null)
        {
            throw new InvalidOperationException($"A process can only be started once ({_name} was already started, pid {_os.Id}).");
        }

        if (s_current is { _isSelf: true, _daemon: true } self)
        {
            throw new InvalidOperationException($"Daemonic processes are not allowed to have children ({self._name} is a daemon).");
        }

        if (!s_guardCalled && s_executable is null)
        {
            var program = Assembly.GetEntryAssembly()?.GetName().Name ?? "this program";
            throw new InvalidOperationException(
                $"Process.Start needs the child-entry guard: a child process is {program} started again, and the guard makes it run the target instead of Main. " +
                $"Add this line as the first statement of Main (or of the top-level statements): {GuardCall} " +
                "(Python's `if __name__ == '__main__':`).");
        }

        var payload = BuildPayload();
        lock (_sync)
        {
            if (_os is not null)
            {
                throw new InvalidOperationException($"A process can only be started once ({_name} was already started).");
            }

            Spawn(payload);
        }
    }

    /// <summary>
    /// Waits until the child ends or <paramref name="timeout"/> passes (null = no limit), Python's
    /// <c>join</c>; then collects its exit code and any <see cref="Error"/>.
    /// </summary>
    /// <returns>True if the child has ended.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The process was never started, or it is the running process.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        if (_isSelf)
        {
            throw new InvalidOperationException("A process cannot join itself.");
        }

        var os = _os ?? throw new InvalidOperationException($"Can only join a started process ({_name} has not been started).");
        if (!os.WaitForExit(deadline.RemainingMilliseconds))
        {
            return false;
        }

        os.WaitForExit(); // drains the exit bookkeeping
        Collect();
        return true;
    }

    /// <summary>
    /// Asks the child to end with SIGTERM (on Windows it is killed). Does not wait: follow with
    /// <see cref="Join"/>. Does nothing if the child has already ended. The child's <c>finally</c>
    /// blocks do not run; what it was writing to a queue or pipe may be cut short, which the others
    /// using it never see (a partial message is dropped).
    /// </summary>
    /// <exception cref="InvalidOperationException">The process was never started.</exception>
    public void Terminate()
    {
        var os = StartedOrThrow(nameof(Terminate));
        if (OperatingSystem.IsWindows())
        {
            Kill();
            return;
        }

        if (!os.HasExited)
        {
            Native.Signal(os.Id, Native.SigTerm);
        }
    }

    /// <summary>Kills the child with SIGKILL (Python's <c>kill</c>). Does not wait. Does nothing if it has ended.</summary>
    /// <exception cref="InvalidOperationException">The process was never started.</exception>
    public void Kill()
    {
        var os = StartedOrThrow(nameof(Kill));
        try
        {
            os.Kill();
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    /// <summary>
    /// The code the child runs. By default it calls the target with the arguments; a subclass
    /// overrides it (Python's <c>run</c>). Called in the child, never in the parent.
    /// </summary>
    protected virtual void Run() => _childBody?.Invoke();

    /// <inheritdoc/>
    public override string ToString()
    {
        var state = _isSelf ? "current" : _os is null ? "initial" : ExitCode is { } code ? $"stopped exitcode={code}" : "started";
        return $"<{GetType().Name}(name='{_name}', {state}{(_os is not null ? $" pid={_os.Id}" : string.Empty)}{(_daemon ? " daemon" : string.Empty)})>";
    }

    /// <summary>Ids of every child this process started, for tests that check none outlives them.</summary>
    internal static int[] SpawnedPids()
    {
        lock (s_registry)
        {
            return s_spawnedPids.ToArray();
        }
    }

    /// <summary>Completes when the started child has ended (a process pool's manager watches its workers with it).</summary>
    /// <exception cref="InvalidOperationException">The process was never started.</exception>
    internal Task WhenExited() => StartedOrThrow("watch").WaitForExitAsync();

    /// <summary>In the child: makes the object the running process and runs it.</summary>
    internal void RunAsCurrent(string name, bool daemon)
    {
        _name = name;
        _daemon = daemon;
        _isSelf = true;
        System.Threading.Volatile.Write(ref s_current, this);
        Run();
    }

    /// <summary>In the child: a process object around the resolved target.</summary>
    internal static Process ForChild(Action body) => new(string.Empty, daemon: false, isSelf: false) { _childBody = body };

    private static string NextName() => $"Process-{System.Threading.Interlocked.Increment(ref s_counter)}";

    private System.Diagnostics.Process StartedOrThrow(string operation) =>
        _os ?? throw new InvalidOperationException($"Cannot {operation} {_name}: it has not been started.");

    private JsonObject BuildPayload()
    {
        var payload = new JsonObject
        {
            ["name"] = _name,
            ["daemon"] = _daemon,
        };
        if (_spec is not null)
        {
            payload["kind"] = "target";
            _spec.Write(payload, _args);
        }
        else
        {
            var type = GetType();
            string state;
            try
            {
                state = Wire.SerializeChecked(this, type, $"The state of {type.Name}", "this");
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException(e.Message.Replace(" (Parameter 'this')", string.Empty, StringComparison.Ordinal) + " The subclass needs a public parameterless constructor.", e.InnerException);
            }

            payload["kind"] = "subclass";
            payload["asm"] = type.Assembly.Location;
            payload["type"] = type.AssemblyQualifiedName;
            payload["state"] = state;
        }

        _resultPath = Path.Combine(RuntimeDirectory.Path, $"error-{Guid.NewGuid():N}.json");
        payload["result"] = _resultPath;
        return payload;
    }

    private void Spawn(JsonObject payload)
    {
        var (file, arguments) = ChildCommand();
        var info = new System.Diagnostics.ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[ChildVariable] = "1";
        _creatorPid = Environment.ProcessId;
        var os = System.Diagnostics.Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {file}.");
        lock (s_registry)
        {
            s_spawnedPids.Add(os.Id);
            s_children.Add(this);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => OnParentExit();
            }
        }

        var stdin = os.StandardInput.BaseStream;
        try
        {
            var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString() + "\n");
            stdin.Write(bytes);
            stdin.Flush();
        }
        catch (IOException)
        {
            // The child died before reading its payload; Join reports its exit code.
        }

        if (_daemon)
        {
            _lifeline = stdin; // closed when this process ends: the daemon child then exits
        }
        else
        {
            os.StandardInput.Close();
        }

        _os = os;
    }

    private static (string File, string[] Arguments) ChildCommand()
    {
        var configured = System.Threading.Volatile.Read(ref s_executable);
        if (configured is not null)
        {
            return configured.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (MuxerPath(), new[] { configured }) : (configured, Array.Empty<string>());
        }

        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's executable to start a child.");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return IsMuxer(processPath) && !string.IsNullOrEmpty(entry) ? (processPath, new[] { entry }) : (processPath, Array.Empty<string>());
    }

    private static bool IsMuxer(string path) => string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>dotnet</c> host: this process if it is one, else the one above the running shared framework.</summary>
    private static string MuxerPath()
    {
        if (Environment.ProcessPath is { } own && IsMuxer(own))
        {
            return own;
        }

        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var muxer = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(muxer) ? muxer : "dotnet";
    }

    /// <summary>After the child ended: reads the error it reported, closes the pipe, forgets it.</summary>
    private void Collect()
    {
        lock (_sync)
        {
            if (_collected)
            {
                return;
            }

            _collected = true;
        }

        _lifeline?.Dispose();
        if (_resultPath is not null && File.Exists(_resultPath))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(_resultPath));
                var root = doc.RootElement;
                _error = new ChildProcessException(_name, _os!.Id, root.GetProperty("type").GetString()!, root.GetProperty("message").GetString()!, root.GetProperty("stack").GetString()!);
                File.Delete(_resultPath);
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
            {
                _error = new ChildProcessException(_name, _os!.Id, "unknown", $"the child's error report could not be read: {e.Message}", string.Empty);
            }
        }

        lock (s_registry)
        {
            s_children.Remove(this);
        }
    }
}
