using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.ThreadSleepInAsyncCodeAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.ThreadSleepInAsyncCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC402: Thread.Sleep in async code, and its fix.</summary>
public class ThreadSleepInAsyncCodeTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task Sleep_in_async_method() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task M()
            {
                {|#0:Thread.Sleep(100)|};
                await Task.Yield();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ThreadSleepInAsyncCode).WithLocation(0).WithArguments("'await Task.Delay(...)'"));

    [Fact]
    public Task Sleep_zero_suggests_Yield() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task M()
            {
                {|#0:Thread.Sleep(0)|};
                await Task.Yield();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ThreadSleepInAsyncCode).WithLocation(0).WithArguments("'await Task.Yield()'"));

    [Fact]
    public Task Sleep_with_TimeSpan() => Verify("""
        class C { async Task M() { [|Thread.Sleep(TimeSpan.FromSeconds(1))|]; await Task.Yield(); } }
        """);

    [Fact]
    public Task Sleep_in_async_lambda() => Verify("""
        class C { void M() { Func<Task> f = async () => { [|Thread.Sleep(10)|]; await Task.Yield(); }; } }
        """);

    [Fact]
    public Task Sleep_in_expression_bodied_async_lambda() => Verify("""
        class C { void M() { Func<Task> f = async () => [|Thread.Sleep(10)|]; } }
        """);

    [Fact]
    public Task Sleep_in_async_anonymous_method() => Verify("""
        class C { void M() { Func<Task> f = async delegate { [|Thread.Sleep(10)|]; await Task.Yield(); }; } }
        """);

    [Fact]
    public Task Sleep_in_async_local_function() => Verify("""
        class C { void M() { async Task Local() { [|Thread.Sleep(10)|]; await Task.Yield(); } _ = Local(); } }
        """);

    [Fact]
    public Task Sleep_through_using_static() => VerifyCS.VerifyAnalyzerAsync("using static System.Threading.Thread;\n" + Usings + """
        class C { async Task M() { [|Sleep(10)|]; await Task.Yield(); } }
        """);

    [Fact]
    public Task Sleep_in_a_loop_of_an_async_iterator() => Verify("""
        class C
        {
            async IAsyncEnumerable<int> Poll()
            {
                for (var i = 0; i < 3; i++)
                {
                    [|Thread.Sleep(50)|];
                    yield return i;
                    await Task.Yield();
                }
            }
        }
        """);

    [Fact]
    public Task Sleep_in_async_void_handler() => Verify("""
        class C { async void OnClick(object sender, EventArgs e) { [|System.Threading.Thread.Sleep(500)|]; await Task.Yield(); } }
        """);

    [Fact]
    public Task Sleep_in_async_top_level_statements() => new VerifyCS.Test
    {
        TestCode = Usings + """
            await Task.Yield();
            [|Thread.Sleep(10)|];
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    // ---- negatives ----

    [Fact]
    public Task Sleep_in_synchronous_method() => Verify("""
        class C { void M() { Thread.Sleep(10); } static void Main() => Thread.Sleep(1); }
        """);

    [Fact]
    public Task Sleep_in_synchronous_lambda_inside_async_method() => Verify("""
        class C
        {
            async Task M()
            {
                await Task.Run(() => Thread.Sleep(10));
                Action later = () => Thread.Sleep(10);
                void Local() => Thread.Sleep(10);
                later();
                Local();
            }
        }
        """);

    [Fact]
    public Task Task_Delay_is_fine() => Verify("""
        class C { async Task M(CancellationToken ct) { await Task.Delay(10, ct); } }
        """);

    [Fact]
    public Task A_method_named_Sleep_on_another_type() => Verify("""
        class Worker { public void Sleep(int ms) { } }
        class C { async Task M(Worker w) { w.Sleep(10); await Task.Yield(); } }
        """);

    [Fact]
    public Task A_local_function_named_Sleep() => Verify("""
        class C { async Task M() { static void Sleep(int ms) { } Sleep(10); await Task.Yield(); } }
        """);

    [Fact]
    public Task SpinWait_and_Thread_Yield_are_other_rules() => Verify("""
        class C { async Task M() { Thread.Yield(); Thread.SpinWait(10); await Task.Yield(); } }
        """);

    [Fact]
    public Task Sleep_in_a_constructor_or_property() => Verify("""
        class C { C() { Thread.Sleep(1); } int P { get { Thread.Sleep(1); return 0; } } }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { async Task M() { Thread.Sleep(10); await Task.Yield(); } }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { async Task M() { Thread.Sleep( } async Task N() { Thread. } }",
        CompilerDiagnostics = CompilerDiagnostics.None,
    }.RunAsync();

    // ---- fixes ----

    [Fact]
    public Task Sleep_becomes_await_Task_Delay_keeping_trivia() => VerifyFix("""
        class C
        {
            async Task M()
            {
                // wait for the device
                [|Thread.Sleep(250)|]; // quarter second
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task M()
            {
                // wait for the device
                await Task.Delay(250); // quarter second
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task The_cancellation_token_in_scope_is_passed() => VerifyFix("""
        class C
        {
            async Task M(int retries, CancellationToken cancellationToken)
            {
                [|Thread.Sleep(TimeSpan.FromMilliseconds(retries * 10))|];
                await Task.Yield();
            }

            void N(CancellationToken outer)
            {
                Func<Task> f = async () => { [|Thread.Sleep(5)|]; await Task.Yield(); };
            }
        }
        """, """
        class C
        {
            async Task M(int retries, CancellationToken cancellationToken)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(retries * 10), cancellationToken);
                await Task.Yield();
            }

            void N(CancellationToken outer)
            {
                Func<Task> f = async () => { await Task.Delay(5, outer); await Task.Yield(); };
            }
        }
        """);

    [Fact]
    public Task Sleep_zero_or_one_becomes_Task_Yield() => VerifyFix("""
        class C { async Task M() { [|Thread.Sleep(0)|]; [|Thread.Sleep(1)|]; await Task.Delay(1); } }
        """, """
        class C { async Task M() { await Task.Yield(); await Task.Yield(); await Task.Delay(1); } }
        """);

    [Fact]
    public Task ConfigureAwait_false_is_kept_consistent() => VerifyFix("""
        class C { async Task M() { [|Thread.Sleep(20)|]; await Task.Delay(1).ConfigureAwait(false); } }
        """, """
        class C { async Task M() { await Task.Delay(20).ConfigureAwait(false); await Task.Delay(1).ConfigureAwait(false); } }
        """);

    [Fact]
    public Task Task_is_qualified_where_its_namespace_is_not_imported() => VerifyCS.VerifyCodeFixAsync("""
        class C { async System.Threading.Tasks.Task M() { [|System.Threading.Thread.Sleep(20)|]; await System.Threading.Tasks.Task.Yield(); } }
        """, """
        class C { async System.Threading.Tasks.Task M() { await System.Threading.Tasks.Task.Delay(20); await System.Threading.Tasks.Task.Yield(); } }
        """);

    [Fact]
    public Task No_fix_inside_a_lock() => VerifyFix("""
        class C
        {
            private readonly object _gate = new();
            async Task M() { await Task.Yield(); lock (_gate) { [|Thread.Sleep(5)|]; } }
        }
        """, """
        class C
        {
            private readonly object _gate = new();
            async Task M() { await Task.Yield(); lock (_gate) { [|Thread.Sleep(5)|]; } }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { async Task M(CancellationToken ct) { [|Thread.Sleep(1)|]; [|Thread.Sleep(30)|]; await Task.Yield(); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { async Task M() { [|Thread.Sleep(40)|]; await Task.Yield(); } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { async Task M(CancellationToken ct) { await Task.Yield(); await Task.Delay(30, ct); await Task.Yield(); } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { async Task M() { await Task.Delay(40); await Task.Yield(); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Steps_aside_inside_a_hub_coroutine_where_CONC405_reports() => Verify("""
        using Concurrency.Runtime.Coroutines;
        class App
        {
            static void Main() => Hub.Run(async () => { Thread.Sleep(10); await Task.Yield(); });
            static async Task Elsewhere() { [|Thread.Sleep(10)|]; await Task.Yield(); }
        }
        """);
}
