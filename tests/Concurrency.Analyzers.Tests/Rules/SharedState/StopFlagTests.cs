using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.StopFlagAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.StopFlagCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC306: a non-volatile bool or enum field polled in a loop and written by another function, one of them concurrent; and the volatile fix.</summary>
public class StopFlagTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    // Reported at compilation end, so non-local: the fix is applied from the reported diagnostic.
    private const CodeFixTestBehaviors CompilationEndFix = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private static Task VerifyFix(string source, string fixedSource) =>
        new VerifyCS.Test { TestCode = Usings + source, FixedCode = Usings + fixedSource, CodeFixTestBehaviors = CompilationEndFix }.RunAsync();

    private static DiagnosticResult Flag(int poll, int write, string field, string poller, string pollerHow, string writer, string writerHow = "") =>
        VerifyCS.Diagnostic(RuleIds.StopFlag).WithLocation(poll).WithLocation(write).WithArguments(field, poller, pollerHow, writer, writerHow);

    // ---- positives ----

    [Fact]
    public Task A_thread_polls_a_flag_Stop_writes() => Verify("""
        class Worker
        {
            private bool _stop;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!{|#0:_stop|}) { } }
            public void Stop() { {|#1:_stop|} = true; }
        }
        """,
        Flag(0, 1, "_stop", "Work", " (new Thread in Start (Test0.cs:5))", "Stop"));

    [Fact]
    public Task An_enum_state_polled_by_a_task() => Verify("""
        enum State { Running, Stopping }
        class Pump
        {
            private State _state;
            public Task Start() => Task.Run(() =>
            {
                var n = 0;
                while ({|#0:_state|} == State.Running) { n++; }
            });
            public void Stop() { {|#1:_state|} = State.Stopping; }
        }
        """,
        Flag(0, 1, "_state", "lambda in Start", " (Task.Run in Start (Test0.cs:6))", "Stop"));

    [Fact]
    public Task A_check_in_the_body_that_breaks() => Verify("""
        class Worker
        {
            private bool _cancelled;
            public void Start() { new Thread(Work).Start(); }
            private void Work()
            {
                var n = 0;
                while (true)
                {
                    n++;
                    if ({|#0:_cancelled|}) { break; }
                }
            }
            public void Cancel() => {|#1:_cancelled|} = true;
        }
        """,
        Flag(0, 1, "_cancelled", "Work", " (new Thread in Start (Test0.cs:5))", "Cancel"));

    [Fact]
    public Task A_check_in_a_for_loop_that_returns() => Verify("""
        class Worker
        {
            private bool _running = true;
            public void Start() { ThreadPool.QueueUserWorkItem(_ => Work()); }
            private int Work()
            {
                for (var i = 0; ; i++)
                {
                    if (!{|#0:_running|}) return i;
                }
            }
            public void Stop() { {|#1:_running|} = false; }
        }
        """,
        Flag(0, 1, "_running", "Work", " (ThreadPool.QueueUserWorkItem in Start (Test0.cs:5), through Work())", "Stop"));

    [Fact]
    public Task A_static_flag_written_by_the_starter_after_the_start() => Verify("""
        static class Program
        {
            private static bool s_done;
            public static void Main()
            {
                var t = new Thread(() => { while (!{|#0:s_done|}) { } });
                t.Start();
                {|#1:s_done|} = true;
                t.Join();
            }
        }
        """,
        Flag(0, 1, "s_done", "lambda in Main", " (new Thread in Main (Test0.cs:7))", "Main"));

    [Fact]
    public Task A_runtime_thread_Run_override() => Verify("""
        class Ticker : Concurrency.Runtime.Threading.Thread
        {
            private bool _stop;
            public int Ticks;
            protected override void Run() { while (!{|#0:_stop|}) { Ticks++; } }
            public void Stop() { {|#1:_stop|} = true; }
        }
        """,
        Flag(0, 1, "_stop", "Run", " (Ticker.Run override (Test0.cs:6))", "Stop"));

    [Fact]
    public Task A_timer_writes_and_a_plain_method_polls() => Verify("""
        class Deadline
        {
            private bool _expired;
            private System.Threading.Timer? _timer;
            public void Arm() { _timer = new System.Threading.Timer(_ => {|#1:_expired|} = true, null, 100, Timeout.Infinite); }
            public void Spin() { while (!{|#0:_expired|}) { } }
        }
        """,
        Flag(0, 1, "_expired", "Spin", "", "lambda in Arm", " (new Timer in Arm (Test0.cs:6))"));

    [Fact]
    public async Task A_partial_type_polls_in_one_file_and_writes_in_another()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Worker.cs", Usings + """
            partial class Worker
            {
                private bool _stop;
                public Task Start() => Task.Run(Loop);
                private void Loop() { do { } while (!{|#0:_stop|}); }
            }
            """));
        test.TestState.Sources.Add(("Worker.Control.cs", Usings + """
            partial class Worker
            {
                public void Stop() { {|#1:_stop|} = true; }
            }
            """));
        test.ExpectedDiagnostics.Add(Flag(0, 1, "_stop", "Loop", " (Task.Run in Start (Worker.cs:5))", "Stop"));
        await test.RunAsync();
    }

    [Fact]
    public Task A_generic_worker() => Verify("""
        class Worker<T>
        {
            private bool _stop;
            private readonly List<T> _items = new List<T>();
            public void Start(T item) { new Thread(() => { while (!{|#0:_stop|}) { _items.Add(item); } }).Start(); }
            public void Stop() { {|#1:_stop|} = true; }
        }
        """,
        Flag(0, 1, "_stop", "lambda in Start", " (new Thread in Start (Test0.cs:6))", "Stop"));

    [Fact]
    public Task A_property_setter_writes() => Verify("""
        class Worker
        {
            private bool _stop;
            public bool Stopping { get => _stop; set => {|#1:_stop|} = value; }
            public void Start() { new Thread(() => { while (!{|#0:_stop|}) { } }).Start(); }
        }
        """,
        Flag(0, 1, "_stop", "lambda in Start", " (new Thread in Start (Test0.cs:6))", "Stopping"));

    [Fact]
    public Task A_local_function_as_the_thread_target() => Verify("""
        class Worker
        {
            private bool _stop;
            public void Start()
            {
                void Loop() { while (!{|#0:_stop|}) { } }
                new Thread(Loop).Start();
            }
            public void Stop() { {|#1:_stop|} = true; }
        }
        """,
        Flag(0, 1, "_stop", "Loop", " (new Thread in Start (Test0.cs:8))", "Stop"));

    [Fact]
    public Task SpinWait_is_no_fence() => Verify("""
        class Worker
        {
            private bool _ready;
            public void Start() { Task.Run(() => {|#1:_ready|} = true); }
            public void Await() { while (!{|#0:_ready|}) { Thread.SpinWait(20); } }
        }
        """,
        Flag(0, 1, "_ready", "Await", "", "lambda in Start", " (Task.Run in Start (Test0.cs:5))"));

    [Fact]
    public Task Another_objects_public_field_written_from_Main() => Verify("""
        class Worker
        {
            public bool Stop;
            public void Run() { while (!{|#0:Stop|}) { } }
        }
        static class Program
        {
            public static void Main()
            {
                var w = new Worker();
                var t = Task.Run(w.Run);
                {|#1:w.Stop|} = true;
                t.Wait();
            }
        }
        """,
        Flag(0, 1, "Stop", "Run", " (Task.Run in Main (Test0.cs:12))", "Main"));

    [Fact]
    public Task One_diagnostic_per_loop_and_field() => Verify("""
        class Worker
        {
            private bool _stop;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!{|#0:_stop|}) { if (_stop) break; } }
            public void Stop() { {|#1:_stop|} = true; }
        }
        """,
        Flag(0, 1, "_stop", "Work", " (new Thread in Start (Test0.cs:5))", "Stop"));

    // ---- negatives ----

    [Fact]
    public Task A_volatile_field() => Verify("""
        class Worker
        {
            private volatile bool _stop;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!_stop) { } }
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task Volatile_Read_and_Interlocked() => Verify("""
        class Worker
        {
            private bool _stop;
            private int _state;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!Volatile.Read(ref _stop)) { } }
            public void Stop() { Volatile.Write(ref _stop, true); Interlocked.Exchange(ref _state, 1); }
        }
        """);

    [Fact]
    public Task Both_sides_under_the_same_lock() => Verify("""
        class Worker
        {
            private readonly object _gate = new object();
            private bool _stop;
            private int _n;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { lock (_gate) { while (!_stop) { _n++; } } }
            public void Stop() { lock (_gate) { _stop = true; } }
        }
        """);

    [Fact]
    public Task A_memory_barrier_in_the_loop() => Verify("""
        class Worker
        {
            private bool _stop;
            private bool _paused;
            public void Start() { new Thread(Work).Start(); new Thread(Pause).Start(); }
            private void Work() { while (!_stop) { Thread.MemoryBarrier(); } }
            private void Pause() { while (!_paused) { Interlocked.MemoryBarrier(); } }
            public void Stop() { _stop = true; _paused = true; }
        }
        """);

    [Fact]
    public Task Waits_sleeps_and_locks_in_the_loop() => Verify("""
        class Worker
        {
            private readonly object _gate = new object();
            private readonly ManualResetEvent _tick = new ManualResetEvent(false);
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(1);
            private bool _a, _b, _c, _d, _e;
            private int _n;
            public void Start()
            {
                new Thread(() => { while (!_a) { Thread.Sleep(10); } }).Start();
                new Thread(() => { while (!_b) { _tick.WaitOne(10); } }).Start();
                new Thread(() => { while (!_c) { lock (_gate) { _n++; } } }).Start();
                new Thread(() => { while (!_d) { _slots.Wait(); _slots.Release(); } }).Start();
                new Thread(() => { lock (_gate) { while (!_e) { Monitor.Wait(_gate, 10); } } }).Start();
            }
            public void Stop() { _a = _b = _c = _d = _e = true; }
        }
        """);

    [Fact]
    public Task An_await_in_the_loop() => Verify("""
        class Worker
        {
            private bool _stop;
            public Task Start() => Task.Run(async () => { while (!_stop) { await Task.Delay(10); } });
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task A_call_that_takes_a_lock_through_calls() => Verify("""
        class Worker
        {
            private readonly object _gate = new object();
            private bool _stop;
            private int _n;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!_stop) { Step(); } }
            private void Step() { Count(); }
            private void Count() { lock (_gate) { _n++; } }
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task Read_and_write_in_the_same_function() => Verify("""
        class Worker
        {
            private bool _done;
            public void Start() { new Thread(Work).Start(); }
            private void Work()
            {
                var n = 0;
                while (!_done) { if (++n == 100) { _done = true; } }
            }
        }
        """);

    [Fact]
    public Task No_concurrent_context_on_either_side() => Verify("""
        class Worker
        {
            private bool _stop;
            public void Work() { while (!_stop) { } }
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task Locals_and_a_cancellation_token() => Verify("""
        class Worker
        {
            public void Start(CancellationToken token)
            {
                var stop = false;
                new Thread(() => { while (!stop && !token.IsCancellationRequested) { } }).Start();
                stop = true;
            }
        }
        """);

    [Fact]
    public Task Written_only_in_constructors_and_initializers() => Verify("""
        class Worker
        {
            private bool _enabled = true;
            private bool _verbose;
            public Worker(bool verbose) { _verbose = verbose; _enabled = !verbose; }
            public void Start() { new Thread(() => { while (_enabled && !_verbose) { } }).Start(); }
        }
        """);

    [Fact]
    public Task Readonly_const_and_int_fields() => Verify("""
        class Worker
        {
            private static readonly bool Forever = true;
            private const bool Always = true;
            private int _remaining = 10;
            public void Start() { new Thread(() => { while (Forever && Always && _remaining > 0) { } }).Start(); }
            public void Stop() { _remaining = 0; }
        }
        """);

    [Fact]
    public Task A_read_outside_any_loop_or_after_it() => Verify("""
        class Worker
        {
            private bool _stop;
            private int _n;
            public void Start() { new Thread(Work).Start(); }
            private void Work()
            {
                if (_stop) return;
                for (var i = 0; i < 10; i++) { _n += _stop ? 0 : 1; }
                foreach (var x in new[] { _stop }) { _n++; }
            }
            public void Stop() { _stop = true; }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_declares_the_field_volatile() => VerifyFix("""
        class Worker
        {
            private bool _stop;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!{|CONC306:_stop|}) { } }
            public void Stop() { _stop = true; }
        }
        """, """
        class Worker
        {
            private volatile bool _stop;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { while (!_stop) { } }
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task Fix_a_field_without_modifiers_and_with_a_comment() => VerifyFix("""
        enum Phase { Run, Drain }
        class Worker
        {
            // the phase the loop runs in
            Phase _phase;
            public void Start() { Task.Run(() => { while ({|CONC306:_phase|} == Phase.Run) { } }); }
            public void Drain() { _phase = Phase.Drain; }
        }
        """, """
        enum Phase { Run, Drain }
        class Worker
        {
            // the phase the loop runs in
            volatile Phase _phase;
            public void Start() { Task.Run(() => { while (_phase == Phase.Run) { } }); }
            public void Drain() { _phase = Phase.Drain; }
        }
        """);

    [Fact]
    public Task Fix_a_static_field() => VerifyFix("""
        static class Program
        {
            private static bool s_done;
            public static void Main()
            {
                var t = new Thread(() => { while (!{|CONC306:s_done|}) { } });
                t.Start();
                s_done = true;
                t.Join();
            }
        }
        """, """
        static class Program
        {
            private static volatile bool s_done;
            public static void Main()
            {
                var t = new Thread(() => { while (!s_done) { } });
                t.Start();
                s_done = true;
                t.Join();
            }
        }
        """);

    [Fact]
    public Task Fix_all_makes_a_shared_declaration_volatile_once() => VerifyFix("""
        class Worker
        {
            private bool _stop, _paused;
            public void Start()
            {
                new Thread(() => { while (!{|CONC306:_stop|}) { } }).Start();
                new Thread(() => { while (!{|CONC306:_paused|}) { } }).Start();
            }
            public void Stop() { _stop = true; _paused = true; }
        }
        """, """
        class Worker
        {
            private volatile bool _stop, _paused;
            public void Start()
            {
                new Thread(() => { while (!_stop) { } }).Start();
                new Thread(() => { while (!_paused) { } }).Start();
            }
            public void Stop() { _stop = true; _paused = true; }
        }
        """);

    [Fact]
    public Task Fix_splits_the_field_from_one_passed_by_reference() => VerifyFix("""
        class Worker
        {
            private bool _stop, _seen;
            public void Start() { new Thread(() => { while (!{|CONC306:_stop|}) { } }).Start(); }
            public void Stop() { _stop = true; Mark(ref _seen); }
            private static void Mark(ref bool seen) => seen = true;
        }
        """, """
        class Worker
        {
            private bool _seen;
            private volatile bool _stop;
            public void Start() { new Thread(() => { while (!_stop) { } }).Start(); }
            public void Stop() { _stop = true; Mark(ref _seen); }
            private static void Mark(ref bool seen) => seen = true;
        }
        """);

    [Fact]
    public async Task Fix_all_across_documents_edits_the_declaring_part()
    {
        var test = new VerifyCS.Test { CodeFixTestBehaviors = CompilationEndFix };
        test.TestState.Sources.Add(("Worker.cs", Usings + """
            partial class Worker
            {
                private bool _stop;
                private bool _drain;
            }
            """));
        test.TestState.Sources.Add(("Worker.Loop.cs", Usings + """
            partial class Worker
            {
                public void Start()
                {
                    new Thread(() => { while (!{|CONC306:_stop|}) { } }).Start();
                    new Thread(() => { while (!{|CONC306:_drain|}) { } }).Start();
                }
                public void Stop() { _stop = true; _drain = true; }
            }
            """));
        test.FixedState.Sources.Add(("Worker.cs", Usings + """
            partial class Worker
            {
                private volatile bool _stop;
                private volatile bool _drain;
            }
            """));
        test.FixedState.Sources.Add(("Worker.Loop.cs", Usings + """
            partial class Worker
            {
                public void Start()
                {
                    new Thread(() => { while (!_stop) { } }).Start();
                    new Thread(() => { while (!_drain) { } }).Start();
                }
                public void Stop() { _stop = true; _drain = true; }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_for_an_enum_over_long_or_a_field_passed_by_reference() => VerifyFix("""
        enum Wide : long { On, Off }
        class Worker
        {
            private Wide _mode;
            private bool _stop;
            public void Start()
            {
                new Thread(() => { while ({|CONC306:_mode|} == Wide.On) { } }).Start();
                new Thread(() => { while (!{|CONC306:_stop|}) { } }).Start();
            }
            public void Stop() { _mode = Wide.Off; Set(ref _stop); }
            private static void Set(ref bool flag) => flag = true;
        }
        """, """
        enum Wide : long { On, Off }
        class Worker
        {
            private Wide _mode;
            private bool _stop;
            public void Start()
            {
                new Thread(() => { while ({|CONC306:_mode|} == Wide.On) { } }).Start();
                new Thread(() => { while (!{|CONC306:_stop|}) { } }).Start();
            }
            public void Stop() { _mode = Wide.Off; Set(ref _stop); }
            private static void Set(ref bool flag) => flag = true;
        }
        """);
}
