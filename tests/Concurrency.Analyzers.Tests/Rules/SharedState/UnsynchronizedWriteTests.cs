using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.UnsynchronizedWriteAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.UnsynchronizedWriteCodeFixProvider>;
using VerifyLock = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.UnsynchronizedWriteAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.GuardedAccessCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC301: a field or captured variable written by concurrent code beside another access with no common lock; and the Interlocked and lock fixes.</summary>
public class UnsynchronizedWriteTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult BesideItself(int location, string variable, string where) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnsynchronizedWriteBesideItself).WithLocation(location).WithArguments(variable, where);

    private static DiagnosticResult Beside(int location, int partner, string variable, string where, string place, string partnerWhere) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnsynchronizedWrite).WithLocation(location).WithLocation(partner).WithArguments(variable, where, place, partnerWhere);

    private static DiagnosticResult BesideWorker(int location, int partner, string variable, string start, string place) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnsynchronizedWriteBesideWorker).WithLocation(location).WithLocation(partner).WithArguments(variable, start, place);

    // ---- positives ----

    [Fact]
    public Task The_course_counter_two_threads_on_one_function() => Verify("""
        static class Program
        {
            static int s_count;
            static void Work() { for (var i = 0; i < 100000; i++) { {|#0:s_count|}++; } }
            static void Main()
            {
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start(); b.Start();
                a.Join(); b.Join();
                Console.WriteLine(s_count);
            }
        }
        """,
        BesideItself(0, "s_count", "'Work' (new Thread in Main (Test0.cs:8))"));

    [Fact]
    public Task A_captured_counter_in_threads_started_in_a_loop() => Verify("""
        static class Program
        {
            static void Main()
            {
                var count = 0;
                var threads = new List<Thread>();
                for (var i = 0; i < 4; i++)
                {
                    var t = new Thread(() => { {|#0:count|} += 1; });
                    threads.Add(t);
                    t.Start();
                }

                foreach (var t in threads) t.Join();
                Console.WriteLine(count);
            }
        }
        """,
        BesideItself(0, "count", "'Main' (new Thread in Main (Test0.cs:10))"));

    [Fact]
    public Task A_total_in_a_Parallel_For_body() => Verify("""
        static class Sums
        {
            public static long Total(int n)
            {
                long total = 0;
                Parallel.For(0, n, i => { {|#0:total|} += i; });
                return total;
            }
        }
        """,
        BesideItself(0, "total", "'Total' (Parallel.For in Total (Test0.cs:7))"));

    [Fact]
    public Task A_sum_in_PLINQ_ForAll() => Verify("""
        static class Sums
        {
            public static int Total(int[] values)
            {
                var sum = 0;
                values.AsParallel().ForAll(v => {|#0:sum|} = sum + v);
                return sum;
            }
        }
        """,
        BesideItself(0, "sum", "'Total' (ParallelEnumerable.ForAll in Total (Test0.cs:7))"));

    [Fact]
    public Task Two_tasks_write_one_variable() => Verify("""
        static class Program
        {
            static async Task Main()
            {
                var last = 0;
                var a = Task.Run(() => { {|#0:last|} = 1; });
                var b = Task.Run(() => { {|#1:last|} = 2; });
                await Task.WhenAll(a, b);
                Console.WriteLine(last);
            }
        }
        """,
        Beside(0, 1, "last", "'Main' (Task.Run in Main (Test0.cs:7))", "Test0.cs:8", "'Main' (Task.Run in Main (Test0.cs:8))"),
        Beside(1, 0, "last", "'Main' (Task.Run in Main (Test0.cs:8))", "Test0.cs:7", "'Main' (Task.Run in Main (Test0.cs:7))"));

    [Fact]
    public Task The_starter_writes_while_the_worker_reads() => Verify("""
        static class Program
        {
            static void Main()
            {
                var limit = 10;
                var t = new Thread(() => Console.WriteLine({|#1:limit|}));
                t.Start();
                {|#0:limit|} = 20;
                t.Join();
            }
        }
        """,
        BesideWorker(0, 1, "limit", "new Thread in Main", "Test0.cs:7"));

    [Fact]
    public Task A_worker_the_object_starts_and_a_property_of_the_object() => Verify("""
        class Crawler
        {
            private Thread _thread;
            private int _pages;
            public void Start() { _thread = new Thread(Crawl); _thread.Start(); }
            private void Crawl() { while (true) { {|#0:_pages|}++; } }
            public int Pages => {|#1:_pages|};
        }
        """,
        Beside(0, 1, "_pages", "'Crawl' (new Thread in Start (Test0.cs:6))", "Test0.cs:8", "'Pages'"));

    [Fact]
    public Task A_timer_callback_runs_beside_itself() => Verify("""
        class Ticker : IDisposable
        {
            private static long s_ticks;
            private readonly Timer _timer;
            public Ticker() { _timer = new Timer(_ => {|#0:s_ticks|}++, null, 0, 10); }
            public void Dispose() => _timer.Dispose();
        }
        """,
        BesideItself(0, "s_ticks", "'Ticker' (new Timer in Ticker (Test0.cs:6))"));

    [Fact]
    public Task A_one_shot_timer_its_type_makes_periodic() => Verify("""
        class Heartbeat
        {
            private long _beats;
            private readonly Timer _timer;
            public Heartbeat() { _timer = new Timer(_ => {|#0:_beats|}++, null, 100, Timeout.Infinite); }
            public void Speed() => _timer.Change(0, 10);
        }
        """,
        BesideItself(0, "_beats", "'Heartbeat' (new Timer in Heartbeat (Test0.cs:6))"));

    [Fact]
    public Task A_periodic_timer_calling_into_its_own_object() => Verify("""
        class Meter : IDisposable
        {
            private long _samples;
            private readonly Timer _timer;
            public Meter() { _timer = new Timer(_ => Sample(), null, 0, 10); }
            private void Sample() { {|#0:_samples|}++; }
            public void Dispose() => _timer.Dispose();
        }
        """,
        BesideItself(0, "_samples", "'Sample' (new Timer in Meter (Test0.cs:6), through Sample())"));

    [Fact]
    public Task Through_calls_from_tasks_started_in_a_loop() => Verify("""
        static class Stats
        {
            private static int s_done;
            public static void Run()
            {
                for (var i = 0; i < 8; i++) Task.Run(() => Step());
            }
            private static void Step() => Bump();
            private static void Bump() { {|#0:s_done|} += 2; }
        }
        """,
        BesideItself(0, "s_done", "'Bump' (Task.Run in Run (Test0.cs:7), through Step() → Bump())"));

    [Fact]
    public Task A_runtime_thread_subclass_and_its_own_property() => Verify("""
        class Downloader : Concurrency.Runtime.Threading.Thread
        {
            private long _bytes;
            protected override void Run() { for (var i = 0; i < 10; i++) {|#0:_bytes|} += 1024; }
            public long Bytes => {|#1:_bytes|};
        }
        """,
        Beside(0, 1, "_bytes", "'Run' (Downloader.Run override (Test0.cs:5))", "Test0.cs:6", "'Bytes'"));

    [Fact]
    public Task Volatile_does_not_make_an_increment_atomic() => Verify("""
        static class Hits
        {
            private static volatile int s_hits;
            public static void Count(int[] pages) => Parallel.ForEach(pages, p => {|#0:s_hits|}++);
        }
        """,
        BesideItself(0, "s_hits", "'Count' (Parallel.ForEach in Count (Test0.cs:5))"));

    [Fact]
    public Task A_string_appended_to_from_parallel_bodies() => Verify("""
        static class Report
        {
            public static string Build(string[] lines)
            {
                var text = "";
                Parallel.ForEach(lines, line => { {|#0:text|} += line; });
                return text;
            }
        }
        """,
        BesideItself(0, "text", "'Build' (Parallel.ForEach in Build (Test0.cs:7))"));

    [Fact]
    public Task A_partial_type_across_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Crawler.cs", Usings + """
            partial class Crawler
            {
                private int _errors;
                public void Start() => Task.Run(Crawl);
                public int Errors => {|#1:_errors|};
            }
            """));
        test.TestState.Sources.Add(("Crawler.Work.cs", Usings + """
            partial class Crawler
            {
                private void Crawl() { {|#0:_errors|}++; }
            }
            """));
        test.ExpectedDiagnostics.Add(Beside(0, 1, "_errors", "'Crawl' (Task.Run in Start (Crawler.cs:5))", "Crawler.cs:6", "'Errors'"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_generic_type_and_a_lambda_that_captures_this() => Verify("""
        class Pipeline<T>
        {
            private int _processed;
            public void Start(IEnumerable<T> items) => Task.Run(() => { foreach (var item in items) {|#0:_processed|}++; });
            public void Reset() { {|#1:_processed|} = 0; }
        }
        """,
        Beside(0, 1, "_processed", "'Start' (Task.Run in Start (Test0.cs:5))", "Test0.cs:6", "'Reset'"));

    // ---- negatives ----

    [Fact]
    public Task Writes_past_an_Interlocked_try_gate_run_one_caller_at_a_time() => Verify("""
        static class Program
        {
            static int s_gate;
            static object s_cause;
            static int s_runs;
            static int s_reconfigured;
            static string s_failure;
            static void Gated()
            {
                if (Interlocked.CompareExchange(ref s_gate, 1, 0) != 0) return;
                try { s_runs++; }
                finally { Volatile.Write(ref s_gate, 0); }
            }
            static void Reconfigure(object cause)
            {
                var ranThisCall = Interlocked.CompareExchange(ref s_cause, cause, null) == null;
                if (!ranThisCall) return;
                try { s_failure = "none"; s_reconfigured++; }
                finally { Interlocked.Exchange(ref s_cause, null); }
            }
            static void Checked()
            {
                if (Interlocked.CompareExchange(ref s_gate, 1, 0) is not 0) { return; }
                s_runs--;
                Volatile.Write(ref s_gate, 0);
            }
            static void Main()
            {
                var a = new Thread(Gated); var b = new Thread(Gated);
                var c = new Thread(() => Reconfigure(new object())); var d = new Thread(() => Reconfigure(new object()));
                var e = new Thread(Checked); var f = new Thread(Checked);
                a.Start(); b.Start(); c.Start(); d.Start(); e.Start(); f.Start();
                a.Join(); b.Join(); c.Join(); d.Join(); e.Join(); f.Join();
            }
        }
        """);

    [Fact]
    public Task Two_gates_do_not_guard_one_field_and_a_gate_that_lets_everyone_through_guards_nothing() => Verify("""
        static class Program
        {
            static int s_gate;
            static int s_other;
            static int s_runs;
            static void One() { if (Interlocked.CompareExchange(ref s_gate, 1, 0) != 0) return; {|#0:s_runs|}++; Volatile.Write(ref s_gate, 0); }
            static void Two() { if (Interlocked.CompareExchange(ref s_other, 1, 0) != 0) return; {|#1:s_runs|}--; Volatile.Write(ref s_other, 0); }
            static void Main()
            {
                var a = new Thread(One); var b = new Thread(Two);
                a.Start(); b.Start(); a.Join(); b.Join();
            }
        }
        """,
        Beside(0, 1, "s_runs", "'One' (new Thread in Main (Test0.cs:11))", "Test0.cs:8", "'Two' (new Thread in Main (Test0.cs:11))"),
        Beside(1, 0, "s_runs", "'Two' (new Thread in Main (Test0.cs:11))", "Test0.cs:7", "'One' (new Thread in Main (Test0.cs:11))"));

    [Fact]
    public Task A_gate_that_lets_everyone_through_guards_nothing() => Verify("""
        static class Program
        {
            static int s_gate;
            static int s_runs;
            static void Work()
            {
                Interlocked.CompareExchange(ref s_gate, 1, 0);
                {|#0:s_runs|}++;
            }
            static void Main()
            {
                var a = new Thread(Work); var b = new Thread(Work);
                a.Start(); b.Start(); a.Join(); b.Join();
            }
        }
        """,
        BesideItself(0, "s_runs", "'Work' (new Thread in Main (Test0.cs:13))"));

    [Fact]
    public Task A_plain_write_beside_Interlocked_updates_still_races() => Verify("""
        static class Sums
        {
            public static long Total(int[] values)
            {
                long total = 0;
                Parallel.ForEach(values, v => { Interlocked.Add(ref total, v); if (v < 0) {|#0:total|} = 0; });
                return total;
            }
        }
        """,
        BesideItself(0, "total", "'Total' (Parallel.ForEach in Total (Test0.cs:7))"));

    [Fact]
    public Task Interlocked_everywhere() => Verify("""
        static class Program
        {
            static int s_count;
            static void Work() { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref s_count); }
            static void Main()
            {
                var a = new Thread(Work); var b = new Thread(Work);
                a.Start(); b.Start(); a.Join(); b.Join();
                Console.WriteLine(Volatile.Read(ref s_count));
            }
        }
        """);

    [Fact]
    public Task A_lock_on_every_access() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Start() { for (var i = 0; i < 4; i++) Task.Run(() => { lock (_gate) { _count++; } }); }
            public int Count { get { lock (_gate) { return _count; } } }
        }
        """);

    [Fact]
    public Task Written_before_the_start_and_read_after_the_join() => Verify("""
        static class Program
        {
            static void Main()
            {
                long r1 = 0, r2 = 0;
                var input = 5;
                var threads = new[] { new Thread(() => r1 = input * 2), new Thread(() => r2 = input * 3) };
                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();
                Console.WriteLine(r1 + r2);
            }
        }
        """);

    [Fact]
    public Task Parallel_For_with_thread_local_totals() => Verify("""
        static class Sums
        {
            public static long Total(int n)
            {
                long total = 0;
                Parallel.For(0, n, () => 0L, (i, state, local) => local + i, local => Interlocked.Add(ref total, local));
                return total;
            }
        }
        """);

    [Fact]
    public Task One_task_writes_and_the_starter_reads_after_awaiting_it() => Verify("""
        static class Program
        {
            static async Task<int> Main()
            {
                var result = 0;
                var task = Task.Run(() => { result = 42; });
                await task;
                return result;
            }
        }
        """);

    [Fact]
    public Task A_task_awaited_where_it_starts_and_its_result_read_after() => Verify("""
        static class Loader
        {
            public static async Task<int> LoadAsync(int x)
            {
                var value = 0;
                await Task.Run(() => { value = x * 2; });
                return value;
            }
        }
        """);

    [Fact]
    public Task Thread_static_fields_are_per_thread() => Verify("""
        static class Scratch
        {
            [ThreadStatic] private static int t_depth;
            public static void Run(int[] items) => Parallel.ForEach(items, i => t_depth++);
        }
        """);

    [Fact]
    public Task Flags_are_left_to_CONC306() => Verify("""
        class Worker
        {
            private bool _stop;
            public void Start() => new Thread(() => { while (!_stop) { } }).Start();
            public void Stop() { _stop = true; }
        }
        """);

    [Fact]
    public Task A_type_nothing_runs_concurrently() => Verify("""
        class Counter
        {
            private int _count;
            public void Increment() => _count++;
            public int Count => _count;
        }
        """);

    [Fact]
    public Task A_local_of_the_parallel_body_itself() => Verify("""
        static class Work
        {
            public static void Run(int[] items) => Parallel.ForEach(items, item =>
            {
                var sum = 0;
                for (var i = 0; i < item; i++) sum += i;
                Console.WriteLine(sum);
            });
        }
        """);

    [Fact]
    public Task One_thread_writes_twice_and_nothing_else_touches_it() => Verify("""
        static class Program
        {
            static int s_state;
            static void Main()
            {
                var t = new Thread(() => { s_state = 1; s_state = 2; });
                t.Start();
                t.Join();
                Console.WriteLine(s_state);
            }
        }
        """);

    [Fact]
    public Task A_member_that_joins_the_worker_first() => Verify("""
        class Crawler
        {
            private Thread _thread;
            private int _pages;
            public void Start() { _thread = new Thread(Crawl); _thread.Start(); }
            private void Crawl() { for (var i = 0; i < 10; i++) _pages++; }
            public int Finish() { _thread.Join(); return _pages; }
        }
        """);

    [Fact]
    public Task Objects_handed_to_parallel_bodies_are_not_shared_by_their_fields() => Verify("""
        class Item
        {
            private int _visits;
            public void Visit() => _visits++;
        }

        static class Program
        {
            static void Main(Item[] items) => Parallel.ForEach(items, item => item.Visit());
        }
        """);

    [Fact]
    public Task A_guarded_field_is_left_to_CONC305() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [Concurrency.Runtime.GuardedBy(nameof(_gate))] private int _count;
            public void Start() { for (var i = 0; i < 4; i++) Task.Run(() => _count++); }
        }
        """);

    // Real code (StackExchange.Redis): the shapes the first evaluation reported wrongly.

    [Fact]
    public Task Reader_threads_started_per_connection_do_not_share_its_fields() => Verify("""
        class Connection
        {
            private long _received;
            public static void StartAll(Connection[] connections)
            {
                foreach (var conn in connections)
                {
                    new Thread(() => conn.ReadAll()).Start();
                }
            }
            private void ReadAll() { for (var i = 0; i < 10; i++) _received += i; }
        }
        """);

    [Fact]
    public Task Lazy_initialization_with_coalescing_assignment_is_left_to_CONC304() => Verify("""
        class Probe
        {
            private static Task<int> s_done;
            public static void Run(int[] items) => Parallel.ForEach(items, i => { s_done ??= Task.FromResult(1); });
        }
        """);

    [Fact]
    public Task A_field_passed_by_ref_is_not_itself_a_write() => Verify("""
        static class Buffers
        {
            private static int[] s_buffer;
            private static void Rent(ref int[] buffer) => Interlocked.Exchange(ref buffer, null);
            public static void Run(int[] items) => Parallel.ForEach(items, i => Rent(ref s_buffer));
        }
        """);

    [Fact]
    public Task A_one_shot_timer_that_reschedules_itself_never_overlaps() => Verify("""
        class Heartbeat : IDisposable
        {
            private long _beats;
            private readonly Timer _timer;
            public Heartbeat() { _timer = new Timer(_ => Beat(), null, 100, Timeout.Infinite); }
            private void Beat()
            {
                try { _beats++; }
                finally { _timer.Change(100, Timeout.Infinite); }
            }
            public void Dispose() => _timer.Dispose();
        }
        """);

    [Fact]
    public Task The_runtime_timer_fires_once() => Verify("""
        class Reminder
        {
            private int _fired;
            public void Arm()
            {
                var timer = new Concurrency.Runtime.Threading.Timer(TimeSpan.FromSeconds(1), () => _fired++);
                timer.Start();
            }
        }
        """);

    [Fact]
    public Task A_timers_timer_without_auto_reset() => Verify("""
        class Poller
        {
            private int _runs;
            private readonly System.Timers.Timer _timer = new System.Timers.Timer(100) { AutoReset = false };
            public void Start()
            {
                _timer.Elapsed += (s, e) => { _runs++; _timer.Start(); };
                _timer.Start();
            }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task An_increment_becomes_Interlocked_Increment() => VerifyFix("""
        static class Program
        {
            static int s_count;
            static void Work() { {|CONC301:s_count|}++; }
            static void Main() { new Thread(Work).Start(); new Thread(Work).Start(); }
        }
        """, """
        static class Program
        {
            static int s_count;
            static void Work() { Interlocked.Increment(ref s_count); }
            static void Main() { new Thread(Work).Start(); new Thread(Work).Start(); }
        }
        """);

    [Fact]
    public Task A_decrement_becomes_Interlocked_Decrement() => VerifyFix("""
        static class Pool
        {
            static long s_free = 10;
            public static void Run() { for (var i = 0; i < 4; i++) Task.Run(() => { {|CONC301:s_free|}--; }); }
        }
        """, """
        static class Pool
        {
            static long s_free = 10;
            public static void Run() { for (var i = 0; i < 4; i++) Task.Run(() => { Interlocked.Decrement(ref s_free); }); }
        }
        """);

    [Fact]
    public Task An_addition_and_a_subtraction_become_Interlocked_Add() => VerifyFix("""
        static class Sums
        {
            public static long Total(int n, int cost)
            {
                long total = 0;
                Parallel.For(0, n, i => { {|CONC301:total|} += i; {|CONC301:total|} -= cost * 2; });
                return total;
            }
        }
        """, """
        static class Sums
        {
            public static long Total(int n, int cost)
            {
                long total = 0;
                Parallel.For(0, n, i => { Interlocked.Add(ref total, i); Interlocked.Add(ref total, -(cost * 2)); });
                return total;
            }
        }
        """);

    [Fact]
    public Task An_assignment_becomes_Interlocked_Exchange() => VerifyFix("""
        static class Program
        {
            static void Main(int[] values)
            {
                var last = 0;
                Parallel.ForEach(values, v => { {|CONC301:last|} = v; });
                Console.WriteLine(last);
            }
        }
        """, """
        static class Program
        {
            static void Main(int[] values)
            {
                var last = 0;
                Parallel.ForEach(values, v => { Interlocked.Exchange(ref last, v); });
                Console.WriteLine(last);
            }
        }
        """);

    [Fact]
    public Task Fix_all_rewrites_every_counter_of_the_document()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Usings + """
                static class Stats
                {
                    static int s_hits, s_misses;
                    public static void Run(bool[] lookups) => Parallel.ForEach(lookups, hit =>
                    {
                        if (hit) {|CONC301:s_hits|}++;
                        else {|CONC301:s_misses|} += 1;
                    });
                }
                """,
            FixedCode = Usings + """
                static class Stats
                {
                    static int s_hits, s_misses;
                    public static void Run(bool[] lookups) => Parallel.ForEach(lookups, hit =>
                    {
                        if (hit) Interlocked.Increment(ref s_hits);
                        else Interlocked.Add(ref s_misses, 1);
                    });
                }
                """,
            NumberOfFixAllIterations = 1,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Without_using_System_Threading_the_call_is_qualified() => VerifyCS.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        static class Sums
        {
            public static int Count(int[] values)
            {
                var n = 0;
                Parallel.ForEach(values, v => { {|CONC301:n|}++; });
                return n;
            }
        }
        """, """
        using System.Threading.Tasks;
        static class Sums
        {
            public static int Count(int[] values)
            {
                var n = 0;
                Parallel.ForEach(values, v => { System.Threading.Interlocked.Increment(ref n); });
                return n;
            }
        }
        """);

    [Fact]
    public Task A_write_that_is_not_a_counter_is_wrapped_in_the_lock_the_other_accesses_hold() => VerifyLock.VerifyCodeFixAsync(Usings + """
        class Cache
        {
            private readonly object _gate = new object();
            private DateTime _updated;
            public void Start() => Task.Run(() => { {|CONC301:_updated|} = DateTime.UtcNow; });
            public DateTime Updated { get { lock (_gate) { return _updated; } } }
        }
        """, Usings + """
        class Cache
        {
            private readonly object _gate = new object();
            private DateTime _updated;
            public void Start() => Task.Run(() => {
                lock (_gate)
                {
                    _updated = DateTime.UtcNow;
                }
            });
            public DateTime Updated { get { lock (_gate) { return _updated; } } }
        }
        """);
}
