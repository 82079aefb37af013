using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.UnobservedTaskAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.UnobservedTaskCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC204 on the runtime's futures: a submitted future nobody reads loses its work's exception; and the fixes.</summary>
public class UnobservedFutureTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using Concurrency.Runtime.Futures;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult Unobserved(int location, string name) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnobservedFuture).WithLocation(location).WithArguments(name);

    // ---- positives ----

    [Fact]
    public Task Submit_dropped_in_synchronous_code_loses_the_exception() => Verify("""
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(Executor executor)
            {
                {|#0:executor.Submit(Parse, "x")|};
                {|#1:executor.Submit(() => Console.WriteLine("hi"))|};
                executor.Shutdown(wait: true);
            }
        }
        """,
        Unobserved(0, "Submit"), Unobserved(1, "Submit"));

    [Fact]
    public Task A_future_local_nobody_reads_in_synchronous_and_async_code() => Verify("""
        class C
        {
            static int Work() => 42;
            void M(ThreadPoolExecutor pool) { var {|#0:future|} = pool.Submit(Work); Console.WriteLine("submitted"); }
            async Task N(ThreadPoolExecutor pool) { var {|#1:future|} = pool.Submit(Work); await Task.Delay(1); }
        }
        """,
        Unobserved(0, "Submit"), Unobserved(1, "Submit"));

    [Fact]
    public Task A_method_of_ours_returning_a_future_dropped() => Verify("""
        class Jobs
        {
            private readonly ThreadPoolExecutor _pool = new(2);
            public Future<int> Start() => _pool.Submit(() => 1);
            public void Run() { {|#0:Start()|}; }
        }
        """,
        Unobserved(0, "Start"));

    // ---- negatives ----

    [Fact]
    public Task A_future_read_awaited_given_a_callback_returned_or_stored_is_observed() => Verify("""
        class C
        {
            private Future<int>? _kept;
            static int Work() => 1;
            int Read(Executor e) { var f = e.Submit(Work); return f.Result(); }
            Exception? Check(Executor e) { var f = e.Submit(Work); return f.GetException(); }
            async Task<int> Await(Executor e) { var f = e.Submit(Work); return await f; }
            void Callback(Executor e) { var f = e.Submit(Work); f.AddDoneCallback(done => Console.WriteLine(done.Result())); }
            void Chained(Executor e) { e.Submit(Work).AddDoneCallback(done => Console.WriteLine(done.Result())); }
            Future<int> Return(Executor e) { var f = e.Submit(Work); return f; }
            void Store(Executor e) { _kept = e.Submit(Work); }
            void Collect(Executor e, List<Future<int>> all) { all.Add(e.Submit(Work)); }
            int Inline(Executor e) => e.Submit(Work).Result();
        }
        """);

    [Fact]
    public Task A_future_dropped_in_async_code_is_left_to_CS4014()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Usings + """
                class C
                {
                    static int Work() => 1;
                    async Task M(Executor e) { {|CS4014:e.Submit(Work)|}; await Task.Yield(); }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        };

        // Reference-unification warnings where the runtime (net8.0) meets a newer framework.
        test.DisabledDiagnostics.AddRange(new[] { "CS1701", "CS1702" });
        return test.RunAsync();
    }

    [Fact]
    public Task Code_without_futures_or_with_a_discard_is_not_this_rule() => Verify("""
        class C
        {
            static int Work() => 1;
            void M(Executor e) { _ = e.Submit(Work); }
            void N(Executor e) { var _ = e.Submit(Work); }
            void O(Future<int> f) { f.Cancel(); }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task A_dropped_future_is_kept_and_read_at_the_end() => VerifyFix("""
        class C
        {
            static int Work() => 1;
            int M(Executor e)
            {
                [|e.Submit(Work)|];
                Console.WriteLine("submitted");
                return 0;
            }
        }
        """, """
        class C
        {
            static int Work() => 1;
            int M(Executor e)
            {
                var future = e.Submit(Work);
                Console.WriteLine("submitted");
                future.Result();
                return 0;
            }
        }
        """);

    [Fact]
    public Task Two_dropped_futures_and_a_local_are_read_in_order() => VerifyFix("""
        class C
        {
            static int Work() => 1;
            void M(Executor e, Executor? maybe)
            {
                [|e.Submit(Work)|];
                [|maybe?.Submit(Work)|];
                var [|kept|] = e.Submit(() => Console.WriteLine("x"));
            }
        }
        """, """
        class C
        {
            static int Work() => 1;
            void M(Executor e, Executor? maybe)
            {
                var future = e.Submit(Work);
                var future1 = maybe?.Submit(Work);
                var kept = e.Submit(() => Console.WriteLine("x"));
                future.Result();
                future1?.Result();
                kept.Result();
            }
        }
        """);

    [Fact]
    public Task A_future_local_in_async_code_is_awaited_at_the_end() => VerifyFix("""
        class C
        {
            static int Work() => 1;
            async Task M(Executor e)
            {
                var [|future|] = e.Submit(Work);
                await Task.Delay(1);
            }
        }
        """, """
        class C
        {
            static int Work() => 1;
            async Task M(Executor e)
            {
                var future = e.Submit(Work);
                await Task.Delay(1);
                await future;
            }
        }
        """);

    [Fact]
    public Task A_future_dropped_in_a_loop_has_no_fix() => VerifyFix("""
        class C
        {
            static int Work() => 1;
            void M(Executor e)
            {
                for (var i = 0; i < 3; i++)
                {
                    [|e.Submit(Work)|];
                }
            }
        }
        """, """
        class C
        {
            static int Work() => 1;
            void M(Executor e)
            {
                for (var i = 0; i < 3; i++)
                {
                    [|e.Submit(Work)|];
                }
            }
        }
        """);
}
