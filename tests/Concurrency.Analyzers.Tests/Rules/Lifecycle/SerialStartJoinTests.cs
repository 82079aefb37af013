using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.SerialStartJoinAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.SerialStartJoinCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC202: a worker started and joined in the same loop iteration, and its fix.</summary>
public class SerialStartJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    // ---- positives ----

    [Fact]
    public Task Thread_started_and_joined_in_a_for_loop() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void Work() { }
            void M()
            {
                for (var i = 0; i < 10; i++)
                {
                    var t = new Thread(Work);
                    t.Start();
                    t.{|#0:Join()|};
                }
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SerialStartJoin).WithLocation(0).WithArguments("Join"));

    [Fact]
    public Task Other_statements_between_start_and_join_in_a_foreach() => Verify("""
        class C
        {
            void M(string[] files)
            {
                foreach (var file in files)
                {
                    var t = new Thread(() => Console.WriteLine(file));
                    t.IsBackground = true;
                    t.Start();
                    Console.WriteLine("started " + file);
                    t.[|Join()|];
                    Console.WriteLine("done");
                }
            }
        }
        """);

    [Fact]
    public Task Runtime_thread_in_a_while_loop_and_runtime_process_in_a_do_loop() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                var i = 0;
                while (i++ < n)
                {
                    var t = new Concurrency.Runtime.Threading.Thread(Work, name: "worker");
                    t.Start();
                    t.[|Join()|];
                }

                do
                {
                    var p = new Concurrency.Runtime.Multiprocessing.Process(Work);
                    p.Start();
                    p.[|Join(TimeSpan.FromSeconds(5))|];
                }
                while (--i > 0);
            }
        }
        """);

    [Fact]
    public Task Task_Run_waited_per_iteration_in_synchronous_code() => Verify("""
        class C
        {
            static int Compute(int i) => i * i;
            void M(int[] items)
            {
                var sum = 0;
                foreach (var item in items)
                {
                    Task.Run(() => Compute(item)).[|Wait()|];
                    sum += Task.Run(() => Compute(item)).[|Result|];
                    Task.Run(() => Compute(item)).GetAwaiter().[|GetResult()|];
                }
            }
        }
        """);

    [Fact]
    public Task Task_in_a_local_started_by_StartNew_or_Start() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var submitted = Task.Factory.StartNew(Work);
                    submitted.[|Wait()|];
                    var created = new Task(Work);
                    created.Start();
                    created.[|Wait()|];
                }
            }
        }
        """);

    [Fact]
    public Task Os_process_started_and_waited_for() => Verify("""
        class C
        {
            void M(string[] files)
            {
                foreach (var file in files)
                {
                    System.Diagnostics.Process.Start("gzip", file)!.[|WaitForExit()|];
                    var p = System.Diagnostics.Process.Start("md5sum", file)!;
                    p.[|WaitForExit()|];
                }
            }
        }
        """);

    [Fact]
    public Task Join_in_a_finally_inside_the_iteration_and_a_local_declared_before_the_loop() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                Thread t;
                for (var i = 0; i < n; i++)
                {
                    t = new Thread(Work);
                    t.Start();
                    try { Console.WriteLine(i); }
                    finally { t.[|Join()|]; }
                }
            }
        }
        """);

    [Fact]
    public Task Threads_joined_in_async_code_and_two_workers_per_iteration() => Verify("""
        class C
        {
            static void Work() { }
            async Task M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var a = new Thread(Work);
                    var b = new Thread(Work);
                    a.Start();
                    b.Start();
                    a.[|Join()|];
                    b.[|Join()|];
                    await Task.Yield();
                }
            }
        }
        """);

    [Fact]
    public Task In_a_lambda_a_local_function_and_a_generic_method() => Verify("""
        class C
        {
            void M<T>(IEnumerable<T> items, Action<T> work)
            {
                Action all = () =>
                {
                    foreach (var item in items)
                    {
                        var t = new Thread(() => work(item));
                        t.Start();
                        t.[|Join()|];
                    }
                };
                void Local()
                {
                    foreach (var item in items) { Task.Run(() => work(item)).[|Wait()|]; }
                }
                all();
                Local();
            }
        }
        """);

    [Fact]
    public Task Loop_in_one_part_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "partial class C { void M(int n) { for (var i = 0; i < n; i++) { var t = new Thread(Work); t.Start(); t.[|Join()|]; } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "partial class C { void Work() { } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            for (var i = 0; i < 3; i++)
            {
                var t = new Thread(() => Console.WriteLine("hi"));
                t.Start();
                t.[|Join()|];
            }
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    // ---- negatives ----

    [Fact]
    public Task Join_in_a_second_loop_or_after_the_loop() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                var threads = new List<Thread>();
                for (var i = 0; i < n; i++)
                {
                    var t = new Thread(Work);
                    t.Start();
                    threads.Add(t);
                }
                foreach (var t in threads) { t.Join(); }

                Thread? last = null;
                for (var i = 0; i < n; i++) { last = new Thread(Work); last.Start(); }
                last?.Join();
            }
        }
        """);

    [Fact]
    public Task Start_in_the_loop_join_in_a_finally_outside() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                var t = new Thread(Work);
                try
                {
                    for (var i = 0; i < n; i++) { if (i == 0) t.Start(); }
                }
                finally { t.Join(); }
            }
        }
        """);

    [Fact]
    public Task Retry_loops_that_leave_after_the_join() => Verify("""
        class C
        {
            static bool Attempt() => true;
            void M()
            {
                while (true)
                {
                    var ok = false;
                    var t = new Thread(() => ok = Attempt());
                    t.Start();
                    t.Join();
                    if (ok) break;
                }
            }
            int N()
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var task = Task.Run(() => attempt);
                    if (task.Result > 0) return task.Result;
                }
                return 0;
            }
        }
        """);

    [Fact]
    public Task Tasks_waited_in_async_code_are_CONC401s() => Verify("""
        class C
        {
            async Task M(int n)
            {
                for (var i = 0; i < n; i++) { Task.Run(() => { }).Wait(); await Task.Yield(); }
            }
        }
        """);

    [Fact]
    public Task Worker_started_before_the_loop() => Verify("""
        class C
        {
            static void Work() { }
            void M()
            {
                var t = new Thread(Work);
                t.Start();
                while (!t.Join(100)) { Console.WriteLine("waiting"); }
                for (var i = 0; i < 3; i++) { t.Join(); }
            }
        }
        """);

    [Fact]
    public Task Join_of_the_previous_iterations_worker_overlaps() => Verify("""
        class C
        {
            static void Work() { }
            void M(int n)
            {
                Thread? previous = null;
                for (var i = 0; i < n; i++)
                {
                    previous?.Join();
                    previous = new Thread(Work);
                    previous.Start();
                }
            }
        }
        """);

    [Fact]
    public Task Join_inside_a_lambda_of_the_iteration_and_other_Joins() => Verify("""
        class C
        {
            static void Work() { }
            void M(string[] parts)
            {
                for (var i = 0; i < 3; i++)
                {
                    var t = new Thread(Work);
                    t.Start();
                    var watcher = new Thread(() => t.Join());
                    watcher.Start();
                    Console.WriteLine(string.Join(",", parts));
                    Task.WaitAll(Task.Run(Work), Task.Run(Work));
                }
            }
        }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { void M() { for (var i = 0; i < 3; i++) { var t = new Thread(() => { }); t.Start(); t.Join(); } } }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { void M() { for (var i = 0; i < 3; i++) { var t = new Thread(; t.Join( } while (x) { Task.Run(). } } }",
        CompilerDiagnostics = CompilerDiagnostics.None,
    }.RunAsync();

    // ---- fixes ----

    [Fact]
    public Task Threads_are_started_in_the_loop_and_joined_after_it() => VerifyFix("""
        class C
        {
            static void Work(string file) { }
            void M(string[] files)
            {
                // one thread per file
                foreach (var file in files)
                {
                    var t = new Thread(() => Work(file));
                    t.Start();
                    t.[|Join()|]; // wait
                }
            }
        }
        """, """
        class C
        {
            static void Work(string file) { }
            void M(string[] files)
            {
                var threads = new List<Thread>();
                // one thread per file
                foreach (var file in files)
                {
                    var t = new Thread(() => Work(file));
                    t.Start();
                    threads.Add(t); // wait
                }

                foreach (var thread in threads)
                {
                    thread.Join();
                }
            }
        }
        """);

    [Fact]
    public Task Tasks_are_collected_and_waited_for_with_WaitAll() => VerifyFix("""
        class C
        {
            static void Work(int i) { }
            void M(int[] items)
            {
                foreach (var item in items)
                {
                    Task.Run(() => Work(item)).[|Wait()|];
                }
                foreach (var item in items)
                {
                    Task.Run(() => Work(item)).GetAwaiter().[|GetResult()|];
                }
            }
        }
        """, """
        class C
        {
            static void Work(int i) { }
            void M(int[] items)
            {
                var tasks = new List<Task>();
                foreach (var item in items)
                {
                    tasks.Add(Task.Run(() => Work(item)));
                }
                Task.WaitAll(tasks.ToArray());
                var tasks1 = new List<Task>();
                foreach (var item in items)
                {
                    tasks1.Add(Task.Run(() => Work(item)));
                }
                Task.WaitAll(tasks1.ToArray());
            }
        }
        """);

    [Fact]
    public Task Runtime_threads_with_statements_after_the_join_and_names_taken() => VerifyFix("""
        using Worker = Concurrency.Runtime.Threading.Thread;
        class C
        {
            static void Work() { }
            void M(int n, object threads)
            {
                var i = 0;
                while (i < n)
                {
                    var thread = new Worker(Work);
                    thread.Start();
                    thread.[|Join()|];
                    Console.WriteLine(i);
                    i++;
                }
            }
        }
        """, """
        using Worker = Concurrency.Runtime.Threading.Thread;
        class C
        {
            static void Work() { }
            void M(int n, object threads)
            {
                var i = 0;
                var threads1 = new List<Worker>();
                while (i < n)
                {
                    var thread = new Worker(Work);
                    thread.Start();
                    threads1.Add(thread);
                    Console.WriteLine(i);
                    i++;
                }

                foreach (var thread1 in threads1)
                {
                    thread1.Join();
                }
            }
        }
        """);

    [Fact]
    public Task Processes_in_top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            for (var i = 0; i < 3; i++)
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(() => Console.WriteLine("child"));
                p.Start();
                p.[|Join()|];
            }
            """,
        FixedCode = Usings + """

            var processes = new List<Concurrency.Runtime.Multiprocessing.Process>();

            for (var i = 0; i < 3; i++)
            {
                var p = new Concurrency.Runtime.Multiprocessing.Process(() => Console.WriteLine("child"));
                p.Start();
                processes.Add(p);
            }

            foreach (var process in processes)
            {
                process.Join();
            }
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        FixedState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    [Fact]
    public Task A_for_counter_copied_into_the_body_is_safe_to_fix_in_a_generic_local_function() => VerifyFix("""
        class C
        {
            void M<T>(IList<T> items, Action<T> work)
            {
                void RunAll()
                {
                    for (var i = 0; i < items.Count; i++)
                    {
                        var item = items[i];
                        var worker = new Thread(() => work(item)) { IsBackground = true };
                        worker.Start();
                        worker.[|Join()|];
                    }
                }
                RunAll();
            }
        }
        """, """
        class C
        {
            void M<T>(IList<T> items, Action<T> work)
            {
                void RunAll()
                {
                    var threads = new List<Thread>();
                    for (var i = 0; i < items.Count; i++)
                    {
                        var item = items[i];
                        var worker = new Thread(() => work(item)) { IsBackground = true };
                        worker.Start();
                        threads.Add(worker);
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }
                RunAll();
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_iteration_uses_the_worker_or_shares_a_changing_variable() => VerifyNoFix("""
        class C
        {
            static int Work(int i) => i;
            void M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var p = System.Diagnostics.Process.Start("tool")!;
                    p.[|WaitForExit()|];
                    Console.WriteLine(p.ExitCode);
                }
                for (var i = 0; i < n; i++)
                {
                    var t = new Thread(() => Work(i));
                    t.Start();
                    t.[|Join()|];
                }
                for (var i = 0; i < n; i++)
                {
                    Console.WriteLine(Task.Run(() => 1).[|Result|]);
                    var u = new Thread(() => { });
                    u.Start();
                    if (i > 1) u.[|Join()|];
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static void Work() { }
                void M(int[] items)
                {
                    foreach (var item in items)
                    {
                        var a = new Thread(Work);
                        var b = new Thread(Work);
                        a.Start();
                        b.Start();
                        a.[|Join()|];
                        b.[|Join()|];
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void M(int[] items)
                {
                    foreach (var item in items) Task.Run(() => Console.WriteLine(item)).[|Wait()|];
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static void Work() { }
                void M(int[] items)
                {
                    var threads = new List<Thread>();
                    var threads1 = new List<Thread>();
                    foreach (var item in items)
                    {
                        var a = new Thread(Work);
                        var b = new Thread(Work);
                        a.Start();
                        b.Start();
                        threads.Add(a);
                        threads1.Add(b);
                    }

                    foreach (var thread1 in threads1)
                    {
                        thread1.Join();
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void M(int[] items)
                {
                    var tasks = new List<Task>();
                    foreach (var item in items) tasks.Add(Task.Run(() => Console.WriteLine(item)));
                    Task.WaitAll(tasks.ToArray());
                }
            }
            """));
        return test.RunAsync();
    }
}
