using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingTaskWaitAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC401 on the runtime's futures: <c>Result()</c>, <c>GetException()</c>, <c>Futures.Wait</c> and <c>Futures.AsCompleted</c> in async code, and the fix to <c>await future</c>.</summary>
public class BlockingFutureWaitTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using Concurrency.Runtime.Futures;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult Blocking(int location, string member, string alternative) =>
        VerifyCS.Diagnostic(RuleDescriptors.BlockingTaskWait).WithLocation(location).WithArguments(member, alternative);

    // ---- positives ----

    [Fact]
    public Task Result_and_GetException_of_a_future_in_async_code() => Verify("""
        class C
        {
            async Task<int> M(Future<int> f, Future g)
            {
                await Task.Yield();
                {|#1:g.Result()|};
                var e = {|#2:f.GetException()|};
                return {|#0:f.Result()|};
            }
        }
        """,
        Blocking(1, ".Result()", "'await future'"),
        Blocking(2, ".GetException()", "'await future' in a try/catch"),
        Blocking(0, ".Result()", "'await future'"));

    [Fact]
    public Task Result_with_a_timeout_names_WaitAsync() => Verify("""
        class C
        {
            async Task<int> M(Future<int> f) { await Task.Yield(); return {|#0:f.Result(TimeSpan.FromSeconds(1))|}; }
        }
        """,
        Blocking(0, ".Result()", "'await future.AsTask().WaitAsync(timeout)'"));

    [Fact]
    public Task Futures_Wait_and_AsCompleted_in_an_async_lambda() => Verify("""
        class C
        {
            void M(List<Future<int>> all)
            {
                Func<Task> run = async () =>
                {
                    await Task.Yield();
                    {|#0:Futures.Wait(all)|};
                    foreach (var done in {|#1:Futures.AsCompleted(all)|}) { }
                };
            }
        }
        """,
        Blocking(0, "Futures.Wait", "'await Task.WhenAll(...)' or 'await Task.WhenAny(...)' on each future's AsTask()"),
        Blocking(1, "Futures.AsCompleted", "'await Task.WhenAny(...)' on each future's AsTask()"));

    [Fact]
    public Task Submit_then_Result_in_async_code() => Verify("""
        class C
        {
            static int Work() => 1;
            async Task<int> M(ThreadPoolExecutor pool) { await Task.Yield(); return {|#0:pool.Submit(Work).Result()|}; }
        }
        """,
        Blocking(0, ".Result()", "'await future'"));

    // ---- negatives ----

    [Fact]
    public Task Synchronous_code_and_a_future_known_to_be_done_are_not_reported() => Verify("""
        class C
        {
            int Sync(Future<int> f) => f.Result();
            async Task<int> Awaited(Future<int> f) { await f; return f.Result(); }
            async Task<int> Tested(Future<int> f) { await Task.Yield(); return f.Done ? f.Result() : -1; }
            async Task<int> InACallback(Future<int> f)
            {
                f.AddDoneCallback(done => Console.WriteLine(done.Result()));
                return await f;
            }
        }
        """);

    [Fact]
    public Task A_task_property_named_Result_holding_a_delegate_is_still_a_task_wait() => Verify("""
        class C
        {
            async Task<int> M(Task<Func<int>> t) { await Task.Yield(); return {|#0:t.Result|}(); }
        }
        """,
        Blocking(0, ".Result", "'await'"));

    // ---- fixes ----

    [Fact]
    public Task Result_becomes_await_future() => VerifyFix("""
        class C
        {
            async Task<int> M(Future<int> f, Future g, Future<int> h)
            {
                await Task.Yield();
                [|g.Result()|];
                var doubled = [|f.Result()|] * 2;
                return [|h.Result()|].CompareTo(doubled);
            }
        }
        """, """
        class C
        {
            async Task<int> M(Future<int> f, Future g, Future<int> h)
            {
                await Task.Yield();
                await g;
                var doubled = await f * 2;
                return (await h).CompareTo(doubled);
            }
        }
        """);

    [Fact]
    public Task Under_ConfigureAwait_false_the_future_is_awaited_through_its_task() => VerifyFix("""
        class C
        {
            async Task<int> M(Future<int> f)
            {
                await Task.Delay(1).ConfigureAwait(false);
                return [|f.Result()|];
            }
        }
        """, """
        class C
        {
            async Task<int> M(Future<int> f)
            {
                await Task.Delay(1).ConfigureAwait(false);
                return await f.AsTask().ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task A_timeout_or_GetException_has_no_fix() => VerifyFix("""
        class C
        {
            async Task<Exception?> M(Future<int> f)
            {
                await Task.Yield();
                [|f.Result(TimeSpan.FromSeconds(1))|];
                return [|f.GetException()|];
            }
        }
        """, """
        class C
        {
            async Task<Exception?> M(Future<int> f)
            {
                await Task.Yield();
                [|f.Result(TimeSpan.FromSeconds(1))|];
                return [|f.GetException()|];
            }
        }
        """);
}
