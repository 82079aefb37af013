using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.SerialSubmitWaitAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.SerialSubmitWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC205: work submitted and waited for in the same loop iteration, and its fix.</summary>
public class SerialSubmitWaitTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using Concurrency.Runtime.Futures;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    // ---- positives: tasks in async code ----

    [Fact]
    public Task Await_Task_Run_in_a_foreach_names_the_wait() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Compute(int i) => i * i;
            async Task M(int[] items)
            {
                foreach (var item in items)
                {
                    Console.WriteLine({|#0:await Task.Run(() => Compute(item))|});
                }
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SerialSubmitWait).WithLocation(0).WithArguments("await").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task Task_started_in_a_local_then_awaited_with_ConfigureAwait() => Verify("""
        class C
        {
            static void Work(int i) { }
            async Task M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var copy = i;
                    var task = Task.Run(() => Work(copy));
                    Console.WriteLine("submitted");
                    [|await task.ConfigureAwait(false)|];
                    var started = Task.Factory.StartNew(() => Work(copy));
                    [|await started|];
                }
            }
        }
        """);

    [Fact]
    public Task Await_in_a_while_loop_of_an_async_lambda_and_a_do_loop_of_a_local_function() => Verify("""
        class C
        {
            void M(Queue<string> jobs)
            {
                Func<Task> drain = async () =>
                {
                    while (jobs.Count > 0)
                    {
                        var job = jobs.Dequeue();
                        [|await Task.Run(() => Console.WriteLine(job))|];
                    }
                };
                async Task Local()
                {
                    var k = 0;
                    do { [|await Task.Run(() => Console.WriteLine("x"))|]; } while (++k < 3);
                }
                _ = drain;
                _ = Local();
            }
        }
        """);

    [Fact]
    public Task Accumulating_into_a_total_is_no_dependency() => Verify("""
        class C
        {
            static int Size(string f) => f.Length;
            async Task<int> M(string[] files)
            {
                var total = 0;
                foreach (var file in files)
                {
                    total += [|await Task.Run(() => Size(file))|];
                }
                return total;
            }
        }
        """);

    [Fact]
    public Task Top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            foreach (var n in new[] { 1, 2, 3 })
            {
                [|await Task.Run(() => Console.WriteLine(n))|];
            }
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    [Fact]
    public Task Loop_in_one_part_of_a_partial_generic_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "partial class C<T> { async Task M(IEnumerable<T> items) { foreach (var item in items) { [|await Task.Run(() => Work(item))|]; } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "partial class C<T> { void Work(T item) { } }"));
        return test.RunAsync();
    }

    // ---- positives: futures ----

    [Fact]
    public Task Submit_then_Result_in_a_for_loop_names_the_wait() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Square(int i) => i * i;
            void M(Executor executor, int[] items)
            {
                foreach (var item in items)
                {
                    Console.WriteLine(executor.Submit(Square, item).{|#0:Result()|});
                }
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SerialSubmitWait).WithLocation(0).WithArguments("Result()").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_future_kept_in_a_local_then_waited_and_GetException() => Verify("""
        class C
        {
            static void Work() { }
            void M(ThreadPoolExecutor pool, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var future = pool.Submit(Work);
                    Console.WriteLine("submitted " + i);
                    future.[|Result()|];
                    var checkedOne = pool.Submit(() => 42);
                    var error = checkedOne.[|GetException()|];
                    Console.WriteLine(error?.Message);
                }
            }
        }
        """);

    [Fact]
    public Task A_timed_Result_and_a_future_assigned_to_a_local_declared_before_the_loop() => Verify("""
        class C
        {
            void M(Executor executor, string[] urls)
            {
                Future<int> future;
                foreach (var url in urls)
                {
                    future = executor.Submit(() => url.Length);
                    Console.WriteLine(future.[|Result(TimeSpan.FromSeconds(5))|]);
                }
            }
        }
        """);

    [Fact]
    public Task Await_of_a_future_in_async_code_and_Result_in_async_code() => Verify("""
        class C
        {
            async Task M(Executor executor, int[] items)
            {
                foreach (var item in items)
                {
                    Console.WriteLine([|await executor.Submit(() => item * 2)|]);
                    executor.Submit(() => Console.WriteLine(item)).[|Result()|];
                }
            }
        }
        """);

    [Fact]
    public Task Futures_in_a_static_generic_method_and_a_property_getter() => Verify("""
        static class Pools
        {
            public static List<TResult> MapSerially<T, TResult>(Executor executor, IEnumerable<T> items, Func<T, TResult> fn)
            {
                var results = new List<TResult>();
                foreach (var item in items)
                {
                    results.Add(executor.Submit(fn, item).[|Result()|]);
                }
                return results;
            }
        }
        class D
        {
            private readonly Executor _pool = new ThreadPoolExecutor(2);
            public int Total
            {
                get
                {
                    var total = 0;
                    for (var i = 0; i < 3; i++) { var copy = i; total += _pool.Submit(() => copy).[|Result()|]; }
                    return total;
                }
            }
        }
        """);

    [Fact]
    public Task Inner_loop_of_nested_loops_and_a_future_in_a_multi_file_partial_type()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            partial class C
            {
                void M(int[][] rows)
                {
                    foreach (var row in rows)
                    {
                        foreach (var cell in row)
                        {
                            Pool.Submit(() => cell + 1).[|Result()|];
                        }
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + "partial class C { private Executor Pool { get; } = new ThreadPoolExecutor(); }"));
        return test.RunAsync();
    }

    // ---- negatives: tasks ----

    [Fact]
    public Task Synchronous_waits_on_tasks_are_CONC202s() => Verify("""
        class C
        {
            void M(int[] items)
            {
                foreach (var item in items)
                {
                    Task.Run(() => Console.WriteLine(item)).Wait();
                    Console.WriteLine(Task.Run(() => item).Result);
                }
            }
        }
        """);

    [Fact]
    public Task Submitted_in_one_loop_awaited_in_another_or_all_at_once() => Verify("""
        class C
        {
            static int Compute(int i) => i;
            async Task M(int[] items)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items) { tasks.Add(Task.Run(() => Compute(item))); }
                foreach (var task in tasks) { Console.WriteLine(await task); }
                foreach (var item in items) { tasks.Add(Task.Run(() => Compute(item))); }
                await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task Next_iteration_needs_the_previous_result() => Verify("""
        class C
        {
            static int Step(int x) => x / 2;
            static string? Next(string page) => null;
            private int _state;
            async Task M(int x, string first)
            {
                while (x > 1)
                {
                    x = await Task.Run(() => Step(x));
                }
                string? page = first;
                while (page is not null)
                {
                    var current = page;
                    var next = await Task.Run(() => Next(current));
                    page = next;
                }
                for (var i = 0; i < 3; i++)
                {
                    _state = await Task.Run(() => Step(_state));
                }
            }
        }
        """);

    [Fact]
    public Task Polling_and_retry_loops() => Verify("""
        class C
        {
            static bool Ready() => true;
            async Task M()
            {
                var done = false;
                while (!done)
                {
                    done = await Task.Run(Ready);
                }
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    if (await Task.Run(Ready)) break;
                }
            }
            async Task<int> N()
            {
                while (true)
                {
                    var r = await Task.Run(() => 42);
                    if (r > 0) return r;
                }
            }
        }
        """);

    [Fact]
    public Task Awaiting_other_tasks_in_a_loop() => Verify("""
        class C
        {
            static Task<int> ReadAsync(int i) => Task.FromResult(i);
            async Task M(IEnumerable<Task> pending, int n)
            {
                foreach (var t in pending) { await t; }
                for (var i = 0; i < n; i++)
                {
                    await Task.Delay(10);
                    Console.WriteLine(await ReadAsync(i));
                }
                var before = Task.Run(() => 1);
                for (var i = 0; i < n; i++) { Console.WriteLine(await before); }
            }
        }
        """);

    [Fact]
    public Task Await_inside_a_lambda_of_the_iteration() => Verify("""
        class C
        {
            void M(int[] items, List<Func<Task>> later)
            {
                foreach (var item in items)
                {
                    later.Add(async () => await Task.Run(() => Console.WriteLine(item)));
                }
            }
        }
        """);

    // ---- negatives: futures ----

    [Fact]
    public Task Futures_submitted_in_one_loop_and_collected_in_another() => Verify("""
        class C
        {
            void M(Executor executor, int[] items)
            {
                var futures = new List<Future<int>>();
                foreach (var item in items) { futures.Add(executor.Submit(() => item * 2)); }
                foreach (var future in futures) { Console.WriteLine(future.Result()); }
                foreach (var done in Futures.AsCompleted(futures)) { Console.WriteLine(done.Result()); }
                var results = executor.Map((int i) => i * 2, items);
                foreach (var r in results) { Console.WriteLine(r); }
            }
        }
        """);

    [Fact]
    public Task A_future_whose_result_feeds_the_next_submit() => Verify("""
        class C
        {
            static int Step(int x) => x - 1;
            void M(Executor executor, int x)
            {
                while (x > 0)
                {
                    x = executor.Submit(Step, x).Result();
                }
                var state = 10;
                for (var i = 0; i < 3; i++)
                {
                    var future = executor.Submit(() => Step(state));
                    var next = future.Result();
                    state = next + 1;
                }
            }
        }
        """);

    [Fact]
    public Task Retry_with_a_future_and_a_future_made_before_the_loop() => Verify("""
        class C
        {
            static bool Attempt() => true;
            void M(Executor executor)
            {
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    if (executor.Submit(Attempt).Result()) break;
                }
                var once = executor.Submit(Attempt);
                for (var i = 0; i < 3; i++) { Console.WriteLine(once.Result()); }
                var made = new Future<int>();
                for (var i = 0; i < 3; i++) { made.Result(); }
            }
        }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { async Task M(int[] items) { foreach (var i in items) { await Task.Run(() => i); } } }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { async Task M() { for (var i = 0; i < 3; i++) { await Task.Run(; var f = x.Submit(() => 1).Result( } while (x) { await } } }",
        CompilerDiagnostics = CompilerDiagnostics.None,
    }.RunAsync();

    // ---- fixes: tasks ----

    [Fact]
    public Task Awaited_tasks_are_started_in_the_loop_and_awaited_together_after_it() => VerifyFix("""
        class C
        {
            static void Work(string file) { }
            async Task M(string[] files)
            {
                // one task per file
                foreach (var file in files)
                {
                    Console.WriteLine(file);
                    [|await Task.Run(() => Work(file))|]; // offload
                }
            }
        }
        """, """
        class C
        {
            static void Work(string file) { }
            async Task M(string[] files)
            {
                var tasks = new List<Task>();
                // one task per file
                foreach (var file in files)
                {
                    Console.WriteLine(file);
                    tasks.Add(Task.Run(() => Work(file))); // offload
                }
                await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task A_result_used_by_the_rest_of_the_body_is_read_in_order_from_WhenAll() => VerifyFix("""
        class C
        {
            static int Size(string file) => file.Length;
            async Task M(string[] files, List<int> sizes)
            {
                foreach (var file in files)
                {
                    var name = file.Trim();
                    var size = [|await Task.Run(() => Size(name))|];
                    sizes.Add(size);
                    Console.WriteLine(size);
                }
            }
        }
        """, """
        class C
        {
            static int Size(string file) => file.Length;
            async Task M(string[] files, List<int> sizes)
            {
                var tasks = new List<Task<int>>();
                foreach (var file in files)
                {
                    var name = file.Trim();
                    tasks.Add(Task.Run(() => Size(name)));
                }

                foreach (var size in await Task.WhenAll(tasks))
                {
                    sizes.Add(size);
                    Console.WriteLine(size);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_tail_reads_the_iteration_or_a_lambda_shares_the_counter() => VerifyNoFix("""
        class C
        {
            static int Size(string file) => file.Length;
            async Task M(string[] files)
            {
                foreach (var file in files)
                {
                    var size = [|await Task.Run(() => Size(file))|];
                    Console.WriteLine(file + ": " + size);
                }
                for (var i = 0; i < files.Length; i++)
                {
                    [|await Task.Run(() => Size(files[i]))|];
                }
                var count = 0;
                foreach (var file in files)
                {
                    count++;
                    var size = [|await Task.Run(() => Size(file))|];
                    Console.WriteLine(count + size);
                }
                foreach (var file in files)
                {
                    Console.WriteLine([|await Task.Run(() => Size(file))|]);
                }
            }
        }
        """);

    // ---- fixes: futures ----

    [Fact]
    public Task Futures_are_submitted_in_the_loop_and_waited_for_in_order_after_it() => VerifyFix("""
        class C
        {
            static void Save(string file) { }
            void M(ThreadPoolExecutor pool, string[] files)
            {
                foreach (var file in files)
                {
                    pool.Submit(() => Save(file)).[|Result()|];
                }
            }
        }
        """, """
        class C
        {
            static void Save(string file) { }
            void M(ThreadPoolExecutor pool, string[] files)
            {
                var futures = new List<Future>();
                foreach (var file in files)
                {
                    futures.Add(pool.Submit(() => Save(file)));
                }

                foreach (var future in futures)
                {
                    future.Result();
                }
            }
        }
        """);

    [Fact]
    public Task A_declared_result_and_the_statements_using_it_move_to_the_second_loop() => VerifyFix("""
        class C
        {
            static int Square(int i) => i * i;
            void M(Executor executor, int[] items, List<int> squares)
            {
                var future = 0;
                foreach (var item in items)
                {
                    Console.WriteLine("submitting");
                    var square = executor.Submit(Square, item).[|Result()|];
                    squares.Add(square);
                }
            }
        }
        """, """
        class C
        {
            static int Square(int i) => i * i;
            void M(Executor executor, int[] items, List<int> squares)
            {
                var future = 0;
                var futures = new List<Future<int>>();
                foreach (var item in items)
                {
                    Console.WriteLine("submitting");
                    futures.Add(executor.Submit(Square, item));
                }

                foreach (var future1 in futures)
                {
                    var square = future1.Result();
                    squares.Add(square);
                }
            }
        }
        """);

    [Fact]
    public Task A_local_future_awaited_in_async_top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            using var pool = new ThreadPoolExecutor(4);
            foreach (var n in new[] { 1, 2, 3 })
            {
                var future = pool.Submit(() => n * n);
                var square = [|await future|];
                Console.WriteLine(square);
            }
            """,
        FixedCode = Usings + """
            using var pool = new ThreadPoolExecutor(4);

            var futures = new List<Future<int>>();

            foreach (var n in new[] { 1, 2, 3 })
            {
                var future = pool.Submit(() => n * n);
                futures.Add(future);
            }

            foreach (var future1 in futures)
            {
                var square = await future1;
                Console.WriteLine(square);
            }
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        FixedState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static int Work(int i) => i;
                void M(Executor executor, int[] items)
                {
                    foreach (var item in items)
                    {
                        executor.Submit(Work, item).[|Result()|];
                        executor.Submit(Work, item + 1).[|Result()|];
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                async Task M(int[] items)
                {
                    foreach (var item in items) [|await Task.Run(() => Console.WriteLine(item))|];
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static int Work(int i) => i;
                void M(Executor executor, int[] items)
                {
                    var futures = new List<Future<int>>();
                    var futures1 = new List<Future<int>>();
                    foreach (var item in items)
                    {
                        futures.Add(executor.Submit(Work, item));
                        futures1.Add(executor.Submit(Work, item + 1));
                    }

                    foreach (var future1 in futures1)
                    {
                        future1.Result();
                    }

                    foreach (var future in futures)
                    {
                        future.Result();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                async Task M(int[] items)
                {
                    var tasks = new List<Task>();
                    foreach (var item in items) tasks.Add(Task.Run(() => Console.WriteLine(item)));
                    await Task.WhenAll(tasks);
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task No_fix_for_a_timed_wait_or_a_future_used_after_its_wait() => VerifyNoFix("""
        class C
        {
            void M(Executor executor, int[] items)
            {
                foreach (var item in items)
                {
                    executor.Submit(() => item).[|Result(TimeSpan.FromSeconds(1))|];
                }
                foreach (var item in items)
                {
                    var future = executor.Submit(() => item);
                    future.[|Result()|];
                    Console.WriteLine(future.Done);
                }
            }
        }
        """);
}
