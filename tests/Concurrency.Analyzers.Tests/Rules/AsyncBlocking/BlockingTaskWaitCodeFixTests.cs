using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingTaskWaitAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC401's fix: the exact code it writes, and where it writes nothing.</summary>
public class BlockingTaskWaitCodeFixTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFix(string source, string fixedSource) =>
        VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    [Fact]
    public Task Result_becomes_await_keeping_comments_and_layout() => VerifyFix("""
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                var value = /* before */ [|t.Result|] /* after */;
                return value;
            }
        }
        """, """
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                var value = /* before */ await t /* after */;
                return value;
            }
        }
        """);

    [Fact]
    public Task Result_under_member_access_is_parenthesized() => VerifyFix("""
        class C
        {
            async Task<int> M(Func<Task<string>> load)
            {
                await Task.Yield();
                return [|load().Result|].Length + [|load().Result|]!.Trim().Length;
            }
        }
        """, """
        class C
        {
            async Task<int> M(Func<Task<string>> load)
            {
                await Task.Yield();
                return (await load()).Length + (await load())!.Trim().Length;
            }
        }
        """);

    [Fact]
    public Task Wait_statement_becomes_await_statement() => VerifyFix("""
        class C
        {
            async Task M(Task t)
            {
                // keep this comment
                [|t.Wait()|]; // and this one
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task M(Task t)
            {
                // keep this comment
                await t; // and this one
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Wait_with_token_becomes_WaitAsync() => VerifyFix("""
        class C
        {
            async Task M(Task t, CancellationToken ct)
            {
                [|t.Wait(ct)|];
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task M(Task t, CancellationToken ct)
            {
                await t.WaitAsync(ct);
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task GetAwaiter_GetResult_becomes_await_keeping_ConfigureAwait() => VerifyFix("""
        class C
        {
            async Task<int> M(Task<int> t, Task u)
            {
                await Task.Yield();
                [|u.GetAwaiter().GetResult()|];
                return [|t.ConfigureAwait(false).GetAwaiter().GetResult()|];
            }
        }
        """, """
        class C
        {
            async Task<int> M(Task<int> t, Task u)
            {
                await Task.Yield();
                await u;
                return await t.ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task WaitAll_becomes_await_WhenAll() => VerifyFix("""
        class C
        {
            async Task M(Task a, Task b, Task[] more)
            {
                [|Task.WaitAll(a, b)|];
                [|Task.WaitAll(more)|];
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task M(Task a, Task b, Task[] more)
            {
                await Task.WhenAll(a, b);
                await Task.WhenAll(more);
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Unused_WaitAny_becomes_await_WhenAny() => VerifyFix("""
        class C
        {
            async Task M(Task a, Task b)
            {
                [|Task.WaitAny(a, b)|];
                await Task.Yield();
            }
        }
        """, """
        class C
        {
            async Task M(Task a, Task b)
            {
                await Task.WhenAny(a, b);
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task ConfigureAwait_false_is_added_where_the_type_uses_it_consistently() => VerifyFix("""
        class C
        {
            async Task<int> M(Task<int> t, Task u)
            {
                await Task.Delay(1).ConfigureAwait(false);
                [|Task.WaitAll(u)|];
                return [|t.Result|];
            }
        }
        """, """
        class C
        {
            async Task<int> M(Task<int> t, Task u)
            {
                await Task.Delay(1).ConfigureAwait(false);
                await Task.WhenAll(u).ConfigureAwait(false);
                return await t.ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_semantics_differ_or_await_is_not_allowed() => VerifyFix("""
        class C
        {
            private readonly object _gate = new();

            async Task<int> M(Task<int> t, Task a, Task b)
            {
                await Task.Yield();
                var ended = [|t.Wait(100)|];
                var index = [|Task.WaitAny(a, b)|];
                [|Task.WaitAll(new[] { a, b }, TimeSpan.FromSeconds(1))|];
                lock (_gate)
                {
                    return [|t.Result|] + index;
                }
            }
        }
        """, """
        class C
        {
            private readonly object _gate = new();

            async Task<int> M(Task<int> t, Task a, Task b)
            {
                await Task.Yield();
                var ended = [|t.Wait(100)|];
                var index = [|Task.WaitAny(a, b)|];
                [|Task.WaitAll(new[] { a, b }, TimeSpan.FromSeconds(1))|];
                lock (_gate)
                {
                    return [|t.Result|] + index;
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_in_a_catch_filter_where_await_is_not_allowed() => VerifyFix("""
        class C
        {
            async Task<int> M(Task<int> t, Func<Task> work)
            {
                try
                {
                    await work();
                    return 0;
                }
                catch (InvalidOperationException) when ([|t.Result|] > 0)
                {
                    return await t;
                }
            }
        }
        """, """
        class C
        {
            async Task<int> M(Task<int> t, Func<Task> work)
            {
                try
                {
                    await work();
                    return 0;
                }
                catch (InvalidOperationException) when ([|t.Result|] > 0)
                {
                    return await t;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_rewrites_nested_waits() => VerifyFix("""
        class C
        {
            async Task<int> M(Task<Task<int>> outer, Task<int> t, Func<int, Task<int>> next)
            {
                await Task.Yield();
                var a = [|[|outer.Result|].Result|];
                var b = [|next([|t.Result|]).Result|];
                return a + b;
            }
        }
        """, """
        class C
        {
            async Task<int> M(Task<Task<int>> outer, Task<int> t, Func<int, Task<int>> next)
            {
                await Task.Yield();
                var a = await (await outer);
                var b = await next(await t);
                return a + b;
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_project_rewrites_every_document()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("First.cs", Usings + """
            class First
            {
                async Task<int> M(Task<int> t) { await Task.Yield(); return [|t.Result|]; }
            }
            """));
        test.TestState.Sources.Add(("Second.cs", Usings + """
            class Second
            {
                async Task M(Task t) { [|t.Wait()|]; await Task.Yield(); }
            }
            """));
        test.FixedState.Sources.Add(("First.cs", Usings + """
            class First
            {
                async Task<int> M(Task<int> t) { await Task.Yield(); return await t; }
            }
            """));
        test.FixedState.Sources.Add(("Second.cs", Usings + """
            class Second
            {
                async Task M(Task t) { await t; await Task.Yield(); }
            }
            """));
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllInDocumentCheck;
        return test.RunAsync();
    }
}
