using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.ExecutorNotShutDownAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.ExecutorNotShutDownCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC203: an executor created and, on some path, neither shut down nor handed on; and its fix.</summary>
public class ExecutorNotShutDownTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using Concurrency.Runtime.Futures;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    // ---- positives ----

    [Fact]
    public Task Never_shut_down() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Work() => 1;
            void M()
            {
                var pool = {|#0:new ThreadPoolExecutor(4)|};
                Console.WriteLine(pool.Submit(Work).Result());
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(0).WithArguments("ThreadPoolExecutor", "pool", "never shut down"));

    [Fact]
    public Task Target_typed_creations_are_followed_too() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Work() => 1;
            void M()
            {
                ThreadPoolExecutor pool = {|#0:new(4)|};
                Console.WriteLine(pool.Submit(Work).Result());
                Executor other;
                other = {|#1:new ProcessPoolExecutor(1)|};
                ThreadPoolExecutor closed = new(2);
                closed.Shutdown();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(0).WithArguments("ThreadPoolExecutor", "pool", "never shut down"),
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(1).WithArguments("ProcessPoolExecutor", "other", "never shut down"));

    [Fact]
    public Task Not_shut_down_when_a_result_throws() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Work() => 1;
            void M()
            {
                var pool = {|#0:new ThreadPoolExecutor(4)|};
                var future = pool.Submit(Work);
                Console.WriteLine(future.Result());
                pool.Shutdown();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(0).WithArguments("ThreadPoolExecutor", "pool", "not shut down when 'future.Result()' throws"));

    [Fact]
    public Task Not_shut_down_on_an_early_return() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] items)
            {
                var pool = {|#0:new ThreadPoolExecutor()|};
                if (items.Length == 0)
                {
                    return 0;
                }
                pool.Submit(() => Console.WriteLine(items[0]));
                pool.Shutdown(wait: true);
                return items.Length;
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(0).WithArguments("ThreadPoolExecutor", "pool", "not shut down when the function returns at line 9"));

    [Fact]
    public Task Shut_down_on_one_branch_only() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(bool done)
            {
                var pool = {|#0:new ThreadPoolExecutor(2)|};
                pool.Submit(() => Console.WriteLine("x"));
                if (done)
                {
                    pool.Dispose();
                }
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ExecutorNotShutDown).WithLocation(0).WithArguments("ThreadPoolExecutor", "pool", "not shut down on a path that runs to the end of the function"));

    [Fact]
    public Task Created_and_dropped_or_used_in_its_own_expression() => Verify("""
        class C
        {
            void M()
            {
                [|new ThreadPoolExecutor(1)|];
                [|new ThreadPoolExecutor(1)|].Submit(() => Console.WriteLine("lost"));
                Console.WriteLine([|new ThreadPoolExecutor(3)|].MaxWorkers);
            }
        }
        """);

    [Fact]
    public Task Typed_as_the_abstract_Executor_and_target_typed_new() => Verify("""
        class C
        {
            void M()
            {
                Executor pool = [|new ThreadPoolExecutor(2)|];
                ThreadPoolExecutor other = [|new(threadNamePrefix: "io")|];
                pool.Submit(() => 1);
                other.Submit(() => 2);
            }
        }
        """);

    [Fact]
    public Task A_subclass_of_our_own_and_an_assignment_to_a_local() => Verify("""
        sealed class InlineExecutor : Executor
        {
            public override void Shutdown(bool wait = true, bool cancelFutures = false) { }
            protected override void SubmitWork(Future future, Delegate fn, object?[] args, Action run) => run();
        }
        class C
        {
            void M()
            {
                var inline = [|new InlineExecutor()|];
                inline.Submit(() => 1);
                Executor pool;
                pool = [|new ThreadPoolExecutor()|];
                pool.Submit(() => 2);
            }
        }
        """);

    [Fact]
    public Task Conditional_shutdown_and_a_map_that_throws() => Verify("""
        class C
        {
            static int Square(int x) => x * x;
            void M(int[] items)
            {
                var pool = [|new ThreadPoolExecutor()|];
                foreach (var square in pool.Map(Square, items))
                {
                    Console.WriteLine(square);
                }
                pool?.Shutdown();
            }
        }
        """);

    [Fact]
    public Task In_a_lambda_a_local_function_and_a_static_generic_method() => Verify("""
        static class C
        {
            static List<T> Run<T>(Func<T> work, int n)
            {
                var pool = [|new ThreadPoolExecutor(n)|];
                var results = new List<T>();
                for (var i = 0; i < n; i++) results.Add(pool.Submit(work).Result());
                return results;
            }
            static void M()
            {
                Action a = () =>
                {
                    var pool = [|new ThreadPoolExecutor()|];
                    pool.Submit(() => 1);
                };
                void Local()
                {
                    var pool = [|new ThreadPoolExecutor()|];
                    pool.Submit(() => 1);
                }
                a();
                Local();
            }
        }
        """);

    [Fact]
    public Task In_a_property_getter_and_async_code() => Verify("""
        class C
        {
            public int Workers
            {
                get
                {
                    var pool = [|new ThreadPoolExecutor()|];
                    return pool.MaxWorkers;
                }
            }
            async Task<int> M()
            {
                var pool = [|new ThreadPoolExecutor()|];
                var value = await pool.Submit(() => 42);
                pool.Shutdown();
                return value;
            }
        }
        """);

    [Fact]
    public Task Loop_in_one_part_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "partial class C { void M() { var pool = [|new ThreadPoolExecutor()|]; pool.Submit(Work); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "partial class C { void Work() { } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            var pool = [|new ThreadPoolExecutor(2)|];
            Console.WriteLine(pool.Submit(() => 6 * 7).Result());
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    // ---- negatives ----

    [Fact]
    public Task Using_declarations_and_statements() => Verify("""
        class C
        {
            void M(ThreadPoolExecutor given)
            {
                using var pool = new ThreadPoolExecutor(4);
                pool.Submit(() => 1).Result();
                using (var other = new ThreadPoolExecutor())
                {
                    other.Submit(() => 2).Result();
                }
                var third = new ThreadPoolExecutor();
                using (third)
                {
                    third.Submit(() => 3).Result();
                }
                using (new ThreadPoolExecutor()) { }
            }
        }
        """);

    [Fact]
    public Task Shut_down_in_a_finally_or_right_after_work_that_cannot_throw() => Verify("""
        class C
        {
            void M()
            {
                var pool = new ThreadPoolExecutor(4);
                try
                {
                    pool.Submit(() => 1).Result();
                }
                finally
                {
                    pool.Shutdown();
                }
                var other = new ThreadPoolExecutor();
                other.Submit(() => 2);
                other.Dispose();
                var third = new ThreadPoolExecutor();
                third.Shutdown(wait: false, cancelFutures: true);
            }
        }
        """);

    [Fact]
    public Task Stored_in_a_field_or_property_or_returned() => Verify("""
        class C
        {
            private Executor? _pool;
            public Executor? Pool { get; set; }
            private readonly Executor _ready = new ThreadPoolExecutor();
            void M()
            {
                var pool = new ThreadPoolExecutor();
                _pool = pool;
                Pool = new ThreadPoolExecutor();
                _pool = new ThreadPoolExecutor();
            }
            Executor Make() => new ThreadPoolExecutor(2);
            Executor MakeLocal()
            {
                var pool = new ThreadPoolExecutor(2);
                pool.Submit(() => 1);
                return pool;
            }
        }
        """);

    [Fact]
    public Task Passed_to_another_method_or_added_to_a_collection() => Verify("""
        class C
        {
            static void Run(Executor pool) { }
            void M(List<Executor> pools)
            {
                var pool = new ThreadPoolExecutor();
                Run(pool);
                var other = new ThreadPoolExecutor();
                pools.Add(other);
                Run(new ThreadPoolExecutor());
                var owner = new Owner(new ThreadPoolExecutor());
                owner.Dispose();
            }
            sealed class Owner : IDisposable
            {
                private readonly Executor _pool;
                public Owner(Executor pool) => _pool = pool;
                public void Dispose() => _pool.Dispose();
            }
        }
        """);

    [Fact]
    public Task Captured_by_a_lambda_or_a_local_function() => Verify("""
        class C
        {
            void M(List<Action> later)
            {
                var pool = new ThreadPoolExecutor();
                later.Add(() => pool.Shutdown());
                var other = new ThreadPoolExecutor();
                void Stop() => other.Dispose();
                later.Add(Stop);
            }
        }
        """);

    [Fact]
    public Task Executors_the_function_did_not_create() => Verify("""
        class C
        {
            private readonly Executor _shared = new ThreadPoolExecutor();
            static Executor Factory() => new ThreadPoolExecutor();
            void M(Executor given)
            {
                given.Submit(() => 1).Result();
                var made = Factory();
                made.Submit(() => 2);
                var shared = _shared;
                shared.Submit(() => 3);
            }
        }
        """);

    [Fact]
    public Task Shut_down_on_every_path_with_a_catch_all() => Verify("""
        class C
        {
            void M()
            {
                var pool = new ThreadPoolExecutor();
                try
                {
                    pool.Submit(() => 1).Result();
                }
                catch (Exception e)
                {
                    Console.WriteLine(e);
                }
                pool.Shutdown();
            }
        }
        """);

    [Fact]
    public Task Other_disposables_and_futures_are_not_executors() => Verify("""
        class C
        {
            void M()
            {
                var stream = new System.IO.MemoryStream();
                stream.WriteByte(1);
                var future = new Future<int>();
                future.SetResult(1);
                var task = new Task(() => { });
            }
        }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { void M() { var pool = new ThreadPoolExecutor(); pool.Submit(() => 1); } }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { void M() { var pool = new ThreadPoolExecutor(; pool.Submit( } void N() { new ThreadPoolExecutor().Sub } }",
        CompilerDiagnostics = CompilerDiagnostics.None,
    }.RunAsync();

    // ---- fixes ----

    [Fact]
    public Task Using_var_for_an_executor_never_shut_down() => VerifyFix("""
        class C
        {
            void M()
            {
                // the pool
                var pool = [|new ThreadPoolExecutor(4)|]; // four workers
                Console.WriteLine(pool.Submit(() => 42).Result());
            }
        }
        """, """
        class C
        {
            void M()
            {
                // the pool
                using var pool = new ThreadPoolExecutor(4); // four workers
                Console.WriteLine(pool.Submit(() => 42).Result());
            }
        }
        """);

    [Fact]
    public Task Using_var_replaces_the_shutdown_that_ended_the_block() => VerifyFix("""
        class C
        {
            void M()
            {
                Executor pool = [|new ThreadPoolExecutor()|];
                var future = pool.Submit(() => 1);
                Console.WriteLine(future.Result());
                pool.Shutdown();
            }
        }
        """, """
        class C
        {
            void M()
            {
                using Executor pool = new ThreadPoolExecutor();
                var future = pool.Submit(() => 1);
                Console.WriteLine(future.Result());
            }
        }
        """);

    [Fact]
    public Task Using_var_when_only_a_return_of_a_local_follows_the_shutdown() => VerifyFix("""
        class C
        {
            int M(int[] items)
            {
                var pool = [|new ThreadPoolExecutor()|];
                var total = 0;
                foreach (var item in items)
                {
                    total += pool.Submit(() => item).Result();
                }
                pool.Shutdown(true);
                return total;
            }
        }
        """, """
        class C
        {
            int M(int[] items)
            {
                using var pool = new ThreadPoolExecutor();
                var total = 0;
                foreach (var item in items)
                {
                    total += pool.Submit(() => item).Result();
                }
                return total;
            }
        }
        """);

    [Fact]
    public Task A_using_block_when_code_follows_the_shutdown() => VerifyFix("""
        class C
        {
            void M(int[] items)
            {
                var pool = [|new ThreadPoolExecutor(2)|];
                var futures = new List<Future<int>>();
                foreach (var item in items)
                {
                    futures.Add(pool.Submit(() => item * 2));
                }
                Console.WriteLine(futures[0].Result());
                pool.Shutdown(wait: true);
                Console.WriteLine("all work done");
            }
        }
        """, """
        class C
        {
            void M(int[] items)
            {
                using (var pool = new ThreadPoolExecutor(2))
                {
                    var futures = new List<Future<int>>();
                    foreach (var item in items)
                    {
                        futures.Add(pool.Submit(() => item * 2));
                    }
                    Console.WriteLine(futures[0].Result());
                }
                Console.WriteLine("all work done");
            }
        }
        """);

    [Fact]
    public Task Using_var_keeps_a_shutdown_on_one_branch_in_top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            var pool = [|new ThreadPoolExecutor(2)|];
            var answer = pool.Submit(() => 42).Result();
            if (answer > 0)
            {
                pool.Shutdown();
            }
            Console.WriteLine(answer);
            """,
        FixedCode = Usings + """
            using var pool = new ThreadPoolExecutor(2);
            var answer = pool.Submit(() => 42).Result();
            if (answer > 0)
            {
                pool.Shutdown();
            }
            Console.WriteLine(answer);
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        FixedState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    [Fact]
    public Task No_fix_when_a_using_would_change_what_the_code_means() => VerifyNoFix("""
        class C
        {
            void M(bool fast)
            {
                var reassigned = [|new ThreadPoolExecutor()|];
                reassigned.Submit(() => 1).Result();
                reassigned = new ThreadPoolExecutor();
                reassigned.Dispose();

                var quick = [|new ThreadPoolExecutor()|];
                quick.Submit(() => 1).Result();
                quick.Shutdown(wait: false);

                var used = [|new ThreadPoolExecutor()|];
                var result = used.Submit(() => 2).Result();
                used.Shutdown();
                Console.WriteLine(result);

                var later = [|new ThreadPoolExecutor()|];
                later.Submit(() => 3).Result();
                later.Shutdown();
                Console.WriteLine(later.MaxWorkers);

                [|new ThreadPoolExecutor()|].Submit(() => 4);
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
                void M()
                {
                    var first = [|new ThreadPoolExecutor(1)|];
                    var second = [|new ThreadPoolExecutor(2)|];
                    first.Submit(() => 1).Result();
                    second.Submit(() => 2).Result();
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void M()
                {
                    var pool = [|new ThreadPoolExecutor()|];
                    pool.Submit(() => 3).Result();
                    pool.Dispose();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                void M()
                {
                    using var first = new ThreadPoolExecutor(1);
                    using var second = new ThreadPoolExecutor(2);
                    first.Submit(() => 1).Result();
                    second.Submit(() => 2).Result();
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void M()
                {
                    using var pool = new ThreadPoolExecutor();
                    pool.Submit(() => 3).Result();
                }
            }
            """));
        return test.RunAsync();
    }
}
