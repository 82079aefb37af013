using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.UnjoinedWorkerAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.StartedNeverJoinedCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC201: a thread or process started and, on some path, neither joined nor handed on; and its fix.</summary>
public class StartedNeverJoinedTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Diagnostic(int location, string kind, string name, string reason) =>
        VerifyCS.Diagnostic(RuleIds.StartedNeverJoined).WithLocation(location).WithArguments(kind, name, reason);

    // ---- positives ----

    [Fact]
    public Task Thread_started_and_never_joined() => Verify("""
        class C
        {
            static void Work() { }
            void M()
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                Console.WriteLine("started");
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"));

    [Fact]
    public Task Joined_on_one_branch_only() => Verify("""
        class C
        {
            static void Work() { }
            void M(bool wait)
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                if (wait)
                {
                    t.Join();
                }
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "not joined on a path that runs to the end of the function"));

    [Fact]
    public Task Early_return_skips_the_join() => Verify("""
        class C
        {
            static void Work() { }
            int M(bool cancel)
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                if (cancel)
                {
                    return -1;
                }

                t.Join();
                return 0;
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "not joined when the function returns at line 11"));

    [Fact]
    public Task Early_void_return_skips_the_join() => Verify("""
        class C
        {
            static void Work() { }
            void M(bool cancel)
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                if (cancel) return;
                t.Join();
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "not joined when the function returns at line 9"));

    [Fact]
    public Task An_exception_between_start_and_join() => Verify("""
        class C
        {
            static void Work() { }
            void M(string path)
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                File.WriteAllText(path, "started");
                t.Join();
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "not joined when 'File.WriteAllText(path, \"started\")' throws"));

    [Fact]
    public Task Joined_only_in_a_catch() => Verify("""
        class C
        {
            static void Work() { }
            void M(string path)
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                try
                {
                    File.WriteAllText(path, "started");
                }
                catch (IOException)
                {
                    t.Join();
                    throw;
                }
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "not joined on a path that runs to the end of the function"));

    [Fact]
    public Task Runtime_thread_and_runtime_process() => Verify("""
        using Concurrency.Runtime.Multiprocessing;
        class C
        {
            static void Work() { }
            void M()
            {
                var t = new Concurrency.Runtime.Threading.Thread(Work, name: "worker");
                {|#0:t.Start()|};
                var p = new Process(Work, daemon: false);
                {|#1:p.Start()|};
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"),
        Diagnostic(1, "Process", "p", "never joined"));

    [Fact]
    public Task A_thread_created_and_started_in_one_expression() => Verify("""
        class C
        {
            static void Work() { }
            void M() => {|#0:new Thread(Work).Start()|};
        }
        """,
        Diagnostic(0, "Thread", "new Thread(…)", "never joined"));

    [Fact]
    public Task A_field_nothing_in_the_type_joins() => Verify("""
        class C
        {
            private Thread _worker;
            static void Work() { }
            public void Open()
            {
                _worker = new Thread(Work);
                {|#0:_worker.Start()|};
            }
            public bool Running => _worker.IsAlive;
        }
        """,
        Diagnostic(0, "Thread", "_worker", "never joined: nothing in 'C' joins it"));

    [Fact]
    public Task Stored_in_a_field_nothing_joins() => Verify("""
        class C
        {
            private Thread _worker;
            static void Work() { }
            public void Open()
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                _worker = t;
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"));

    [Fact]
    public Task Passed_to_a_method_that_only_reads_it() => Verify("""
        class C
        {
            static void Work() { }
            static void Describe(Thread thread) => Console.WriteLine(thread.Name);
            void M()
            {
                var t = new Thread(Work);
                {|#0:t.Start()|};
                Describe(t);
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"));

    [Fact]
    public Task In_a_lambda_and_in_a_local_function() => Verify("""
        class C
        {
            static void Work() { }
            void M()
            {
                Action run = () =>
                {
                    var t = new Thread(Work);
                    {|#0:t.Start()|};
                };
                void Local()
                {
                    var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                    {|#1:p.Start()|};
                    if (DateTime.Now.Second > 30) return;
                    p.Join();
                }
                run();
                Local();
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"),
        Diagnostic(1, "Process", "p", "not joined when the function returns at line 16"));

    [Fact]
    public Task Foreground_flag_set_to_false_and_a_runtime_thread_subclass() => Verify("""
        class Worker : Concurrency.Runtime.Threading.Thread
        {
            protected override void Run() { }
        }
        class C
        {
            static void Work() { }
            void M()
            {
                var t = new Thread(Work) { IsBackground = false };
                {|#0:t.Start()|};
                var w = new Worker();
                {|#1:w.Start()|};
            }
        }
        """,
        Diagnostic(0, "Thread", "t", "never joined"),
        Diagnostic(1, "Thread", "w", "never joined"));

    // ---- negatives ----

    [Fact]
    public Task Joined_in_finally_and_on_every_path() => Verify("""
        class C
        {
            static void Work() { }
            void M(string path, bool flag)
            {
                var t = new Thread(Work);
                t.Start();
                try
                {
                    File.WriteAllText(path, "started");
                    if (flag) return;
                }
                finally
                {
                    t.Join();
                }

                var u = new Thread(Work);
                u.Start();
                if (flag)
                {
                    u.Join();
                }
                else
                {
                    u.Join(TimeSpan.FromSeconds(1));
                }

                var v = new Thread(Work);
                v.Start();
                Console.WriteLine("harmless calls between: console output, sleeping");
                Thread.Sleep(10);
                v.Join();
            }
        }
        """);

    [Fact]
    public Task Two_workers_started_then_joined_with_queue_and_collection_calls_between() => Verify("""
        class Greeter : Concurrency.Runtime.Threading.Thread
        {
            protected override void Run() { }
        }
        class C
        {
            static void Work() { }
            void M(Concurrency.Runtime.Queues.Queue<string> jobs)
            {
                var first = new Thread(Work);
                first.Start();
                var second = new Greeter();
                second.Start();
                foreach (var job in new[] { "a", "b" })
                {
                    jobs.Put(job);
                }

                var names = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(new List<string> { "x" }, n => n.ToUpperInvariant()));
                jobs.Join();
                first.Join();
                second.Join();
            }
        }
        """);

    [Fact]
    public Task Handed_on_before_the_start_and_a_helper_that_cannot_throw() => Verify("""
        class C : IDisposable
        {
            private readonly List<Concurrency.Runtime.Threading.Thread> _consumers = new List<Concurrency.Runtime.Threading.Thread>();
            private int _total;
            static void Work() { }
            private void Add(int x) => Interlocked.Add(ref _total, x);
            private void AddTwice(int x) { Add(x); Add(x); }
            public void StartConsumers(int n)
            {
                for (var k = 0; k < n; k++)
                {
                    var consumer = new Concurrency.Runtime.Threading.Thread(Work);
                    _consumers.Add(consumer);
                    consumer.Start();
                }
            }
            public bool RunChecked(int x)
            {
                var t = new Thread(Work);
                t.Start();
                if (x < 0)
                {
                    t.Join();
                    return false;
                }

                AddTwice(1);
                t.Join();
                return true;
            }
            public void Dispose() => _consumers.ForEach(c => c.Join());
        }
        """);

    [Fact]
    public Task Background_and_daemon_workers() => Verify("""
        using Concurrency.Runtime.Multiprocessing;
        class Ticker : Concurrency.Runtime.Threading.Thread
        {
            public Ticker() : base(daemon: true) { }
            protected override void Run() { }
        }
        class C
        {
            static void Work() { }
            void M(bool background)
            {
                var t = new Thread(Work) { IsBackground = true };
                t.Start();
                var u = new Thread(Work);
                u.IsBackground = true;
                u.Start();
                var v = new Thread(Work) { IsBackground = background };
                v.Start();
                var r = new Concurrency.Runtime.Threading.Thread(Work, daemon: true);
                r.Start();
                var p = new Process(Work, daemon: true);
                p.Start();
                new Thread(Work) { IsBackground = true }.Start();
                var ticker = new Ticker();
                ticker.Start();
            }
        }
        """);

    [Fact]
    public Task Returned_or_stored_in_a_field_joined_in_Dispose() => Verify("""
        class C : IDisposable
        {
            private Thread _worker;
            private Thread _other;
            static void Work() { }
            public Thread StartOne()
            {
                var t = new Thread(Work);
                t.Start();
                return t;
            }
            public void Open()
            {
                var t = new Thread(Work);
                t.Start();
                _worker = t;
                _other = new Thread(Work);
                _other.Start();
            }
            public void Dispose()
            {
                _worker?.Join();
                _other.Join();
            }
        }
        """);

    [Fact]
    public Task Collected_then_joined_in_a_second_loop() => Verify("""
        class C
        {
            static void Work() { }
            void M()
            {
                var threads = new List<Thread>();
                for (var i = 0; i < 4; i++)
                {
                    var t = new Thread(Work);
                    t.Start();
                    threads.Add(t);
                }

                foreach (var t in threads)
                {
                    t.Join();
                }
            }
        }
        """);

    [Fact]
    public Task Passed_to_a_method_that_joins_it() => Verify("""
        class C
        {
            static void Work() { }
            static void WaitFor(Thread thread) => thread.Join();
            static void Keep(Thread thread, List<Thread> all) => all.Add(thread);
            void M(List<Thread> all)
            {
                var t = new Thread(Work);
                t.Start();
                WaitFor(t);
                var u = new Thread(Work);
                u.Start();
                Keep(u, all);
            }
        }
        """);

    [Fact]
    public Task Captured_by_a_lambda_or_from_a_factory_or_a_parameter() => Verify("""
        class C
        {
            static void Work() { }
            static Thread Make() => new Thread(Work);
            void M(Thread given)
            {
                var t = new Thread(Work);
                t.Start();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => t.Join();
                var f = Make();
                f.Start();
                given.Start();
            }
        }
        """);

    [Fact]
    public Task Timers_tasks_and_system_diagnostics_processes_are_not_this_rule() => Verify("""
        class C
        {
            static void Work() { }
            void M()
            {
                var timer = new Concurrency.Runtime.Threading.Timer(TimeSpan.FromSeconds(1), Work);
                timer.Start();
                var task = new Task(Work);
                task.Start();
                task.Wait();
                var os = new System.Diagnostics.Process();
                os.StartInfo.FileName = "dotnet";
                os.Start();
            }
        }
        """);

    [Fact]
    public Task A_field_joined_in_a_loop_over_the_workers_of_another_part() => Verify("""
        partial class C
        {
            private readonly List<Thread> _all = new List<Thread>();
            private Thread _main;
            static void Work() { }
            public void Open()
            {
                _main = new Thread(Work);
                _main.Start();
            }
        }
        partial class C
        {
            public void Close() => Stop(_main);
            private static void Stop(Thread thread) => thread.Join();
        }
        """);

    [Fact]
    public Task Half_typed_code_is_not_reported() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var t = new {|CS1729:Thread|}();
                t.Start();
                t.Join();
                var u = {|CS0103:Unknown|}();
                u.Start();
            }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_moves_the_join_into_a_finally() => VerifyFix("""
        class C
        {
            static void Work() { }
            void M(string path)
            {
                var t = new Thread(Work);
                [|t.Start()|];
                File.WriteAllText(path, "started");
                t.Join();
                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            static void Work() { }
            void M(string path)
            {
                var t = new Thread(Work);
                t.Start();
                try
                {
                    File.WriteAllText(path, "started");
                }
                finally
                {
                    t.Join();
                }

                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Fix_wraps_the_rest_of_the_block_when_there_is_no_join() => VerifyFix("""
        class C
        {
            static void Work() { }
            int M(bool cancel)
            {
                var t = new Thread(Work);
                [|t.Start()|];
                if (cancel)
                {
                    return -1;
                }

                return 0;
            }
        }
        """, """
        class C
        {
            static void Work() { }
            int M(bool cancel)
            {
                var t = new Thread(Work);
                t.Start();
                try
                {
                    if (cancel)
                    {
                        return -1;
                    }

                    return 0;
                }
                finally
                {
                    t.Join();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_joins_right_after_a_start_that_ends_its_block() => VerifyFix("""
        class C
        {
            static void Work() { }
            void M()
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                [|p.Start()|];
            }
        }
        """, """
        class C
        {
            static void Work() { }
            void M()
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                p.Start();
                p.Join();
            }
        }
        """);

    [Fact]
    public Task No_fix_in_a_loop_for_a_field_or_when_the_guarded_code_declares_what_follows() => VerifyNoFix("""
        class C
        {
            private Thread _worker;
            static void Work() { }
            void M(string path)
            {
                for (var i = 0; i < 3; i++)
                {
                    var t = new Thread(Work);
                    [|t.Start()|];
                }

                _worker = new Thread(Work);
                [|_worker.Start()|];
                var u = new Thread(Work);
                [|u.Start()|];
                var text = File.ReadAllText(path);
                u.Join();
                Console.WriteLine(text);
            }
        }
        """);

    [Fact]
    public Task Fix_in_a_lambda_body() => VerifyFix("""
        class C
        {
            static void Work() { }
            void M(string path)
            {
                Action run = () =>
                {
                    var t = new Thread(Work);
                    [|t.Start()|];
                    File.Delete(path);
                };
                run();
            }
        }
        """, """
        class C
        {
            static void Work() { }
            void M(string path)
            {
                Action run = () =>
                {
                    var t = new Thread(Work);
                    t.Start();
                    try
                    {
                        File.Delete(path);
                    }
                    finally
                    {
                        t.Join();
                    }
                };
                run();
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_two_methods() => VerifyFix("""
        class C
        {
            static void Work() { }
            void A(string path)
            {
                var t = new Thread(Work);
                [|t.Start()|];
                File.Delete(path);
                t.Join();
            }
            void B()
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                [|p.Start()|];
            }
        }
        """, """
        class C
        {
            static void Work() { }
            void A(string path)
            {
                var t = new Thread(Work);
                t.Start();
                try
                {
                    File.Delete(path);
                }
                finally
                {
                    t.Join();
                }
            }
            void B()
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                p.Start();
                p.Join();
            }
        }
        """);
}
