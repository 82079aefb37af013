using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingTaskWaitAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC401: where a blocking wait on a task is reported, and where it is not.</summary>
public class BlockingTaskWaitAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Linq.Expressions; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    // ---- positives ----

    [Fact]
    public Task Result_in_async_method()
    {
        return VerifyCS.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> M(Task<int> t)
                {
                    await Task.Yield();
                    return {|#0:t.Result|};
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.BlockingTaskWait).WithLocation(0).WithArguments(".Result", "'await'"));
    }

    [Fact]
    public Task Wait_in_async_method()
    {
        return VerifyCS.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task M(Task t)
                {
                    {|#0:t.Wait()|};
                    await Task.Yield();
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.BlockingTaskWait).WithLocation(0).WithArguments(".Wait()", "'await'"));
    }

    [Fact]
    public Task Wait_with_timeout_is_reported_and_suggests_WaitAsync()
    {
        return VerifyCS.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<bool> M(Task t)
                {
                    await Task.Yield();
                    return {|#0:t.Wait(TimeSpan.FromSeconds(1))|};
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.BlockingTaskWait).WithLocation(0).WithArguments(".Wait()", "'await task.WaitAsync(...)'"));
    }

    [Fact]
    public Task GetAwaiter_GetResult_in_async_method() => Verify("""
        class C
        {
            async Task<int> M(Func<Task<int>> load)
            {
                await Task.Yield();
                return [|load().GetAwaiter().GetResult()|];
            }
        }
        """);

    [Fact]
    public Task ConfigureAwait_GetAwaiter_GetResult() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                return [|t.ConfigureAwait(false).GetAwaiter().GetResult()|];
            }
        }
        """);

    [Fact]
    public Task WaitAll_and_WaitAny() => Verify("""
        class C
        {
            async Task M(Task a, Task b)
            {
                [|Task.WaitAll(a, b)|];
                var index = [|Task.WaitAny(a, b)|];
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task ValueTask_Result_and_GetResult() => Verify("""
        class C
        {
            async ValueTask<int> M(ValueTask<int> v, ValueTask w)
            {
                await Task.Yield();
                [|w.GetAwaiter().GetResult()|];
                return [|v.Result|];
            }
        }
        """);

    [Fact]
    public Task Async_lambda() => Verify("""
        class C
        {
            void M(Task<int> t)
            {
                Func<Task<int>> f = async () => { await Task.Yield(); return [|t.Result|]; };
            }
        }
        """);

    [Fact]
    public Task Async_anonymous_method() => Verify("""
        class C
        {
            void M(Task t)
            {
                Func<Task> f = async delegate { [|t.Wait()|]; await Task.Yield(); };
            }
        }
        """);

    [Fact]
    public Task Async_local_function_inside_a_synchronous_method() => Verify("""
        class C
        {
            void M(Task<string> t)
            {
                async Task<int> Local() { await Task.Yield(); return [|t.Result|].Length; }
                _ = Local();
            }
        }
        """);

    [Fact]
    public Task Awaited_only_on_one_branch_is_still_reported() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t, bool fast)
            {
                if (fast)
                {
                    await t;
                }

                return [|t.Result|];
            }
        }
        """);

    [Fact]
    public Task Reassigned_after_await_is_reported() => Verify("""
        class C
        {
            async Task<int> M(Func<Task<int>> start)
            {
                var t = start();
                await t;
                t = start();
                return [|t.Result|];
            }
        }
        """);

    [Fact]
    public Task Awaited_in_try_and_read_in_catch_is_reported() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t)
            {
                try
                {
                    await t;
                }
                catch (Exception)
                {
                    return [|t.Result|];
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task WhenAll_of_other_tasks_does_not_complete_this_one() => Verify("""
        class C
        {
            async Task<int> M(Task<int> a, Task<int> b, Task<int> c)
            {
                await Task.WhenAll(a, b);
                return a.Result + [|c.Result|];
            }
        }
        """);

    [Fact]
    public Task Collection_changed_after_WhenAll_is_reported() => Verify("""
        class C
        {
            async Task<int> M(List<Task<int>> tasks, Task<int> late)
            {
                await Task.WhenAll(tasks);
                tasks.Add(late);
                return [|tasks[1].Result|];
            }
        }
        """);

    [Fact]
    public Task IsCompleted_false_branch_is_reported() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                if (t.IsCompleted)
                {
                    return t.Result;
                }

                return [|t.Result|];
            }
        }
        """);

    [Fact]
    public Task Top_level_statements_with_await() => new VerifyCS.Test
    {
        TestCode = Usings + """
            var t = Task.Run(() => 42);
            await Task.Delay(1);
            Console.WriteLine([|t.Result|]);
            """,
        TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
    }.RunAsync();

    // ---- negatives ----

    [Fact]
    public Task Synchronous_method_is_not_reported() => Verify("""
        class C
        {
            int M(Task<int> t)
            {
                t.Wait();
                Task.WaitAll(t);
                return t.Result + t.GetAwaiter().GetResult();
            }

            static void Main() => Task.Run(() => 1).Wait();
        }
        """);

    [Fact]
    public Task Awaited_earlier_on_every_path() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t, bool fast)
            {
                if (fast)
                {
                    await t;
                }
                else
                {
                    await t.ConfigureAwait(false);
                }

                t.Wait();
                return t.Result + t.GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task Awaited_earlier_in_a_loop_body_before_the_read() => Verify("""
        class C
        {
            async Task<int> M(IEnumerable<Func<Task<int>>> starts)
            {
                var sum = 0;
                foreach (var start in starts)
                {
                    var t = start();
                    await t;
                    sum += t.Result;
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task FromResult_and_CompletedTask() => Verify("""
        class C
        {
            async Task<int> M()
            {
                await Task.Yield();
                var done = Task.FromResult(5);
                Task.CompletedTask.Wait();
                var v = new ValueTask<int>(3);
                return done.Result + Task.FromResult(1).Result + v.Result + ValueTask.FromResult(2).Result;
            }
        }
        """);

    [Fact]
    public Task Elements_of_an_array_or_list_awaited_with_WhenAll() => Verify("""
        class C
        {
            async Task<int> M(Task<int> a, Task<int> b, List<Task<int>> list)
            {
                var tasks = new[] { a, b };
                await Task.WhenAll(tasks);
                await Task.WhenAll(list);
                var sum = tasks[0].Result + tasks[1].Result + list[0].Result;
                foreach (var t in tasks)
                {
                    sum += t.Result;
                }

                Task.WaitAll(tasks);
                return sum;
            }
        }
        """);

    [Fact]
    public Task Locals_awaited_with_WhenAll_of_a_collection_expression() => Verify("""
        class C
        {
            static Task<int> Query(int id) => Task.FromResult(id);

            async Task<int> M(int first)
            {
                var a = Query(first);
                var b = Query(first + 1);
                await Task.WhenAll([a, b]);
                return a.Result + b.Result;
            }
        }
        """);

    [Fact]
    public Task Task_returned_by_await_WhenAny() => Verify("""
        class C
        {
            async Task<int> M(Task<int> a, Task<int> b)
            {
                var first = await Task.WhenAny(a, b);
                return first.Result;
            }
        }
        """);

    [Fact]
    public Task Guarded_by_IsCompleted_or_status() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t, Task<int> u, Task<int> v)
            {
                await Task.Yield();
                var sum = 0;
                if (t.IsCompleted)
                {
                    sum += t.Result;
                }

                if (u.IsCompletedSuccessfully && v.Status == TaskStatus.RanToCompletion)
                {
                    sum += u.Result + v.Result;
                }

                if (!t.IsCompleted)
                {
                    return 0;
                }

                return sum + t.Result;
            }
        }
        """);

    [Fact]
    public Task Antecedent_inside_its_ContinueWith_continuation() => Verify("""
        class C
        {
            Task<Task<int>> M(Task<int> t) => t.ContinueWith(async antecedent =>
            {
                await Task.Yield();
                return antecedent.Result + antecedent.GetAwaiter().GetResult();
            });

            Task<Task<int>> N(Task<int> t, Task<int> other) => t.ContinueWith(async antecedent =>
            {
                await Task.Yield();
                return [|other.Result|];
            });
        }
        """);

    [Fact]
    public Task NameOf_and_expression_tree() => Verify("""
        class C
        {
            async Task<string> M(Task<int> t)
            {
                await Task.Yield();
                Expression<Func<int>> e = () => t.Result;
                return nameof(t.Result) + e;
            }
        }
        """);

    [Fact]
    public Task Synchronous_lambda_and_local_function_inside_async_method() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t, List<Task<int>> many)
            {
                await Task.Yield();
                Func<int> later = () => t.Result;
                int Local() => t.Result;
                var values = many.Select(x => x.Result);
                return await Task.Run(() => t.Result) + later() + Local() + values.Count();
            }
        }
        """);

    [Fact]
    public Task Result_of_other_types_is_not_a_task_wait() => Verify("""
        class Response { public int Result { get; set; } public void Wait() { } }
        class C
        {
            async Task<int> M(Response r, SemaphoreSlim gate)
            {
                await gate.WaitAsync();
                r.Wait();
                return r.Result;
            }
        }
        """);

    [Fact]
    public Task Generated_code_is_not_analyzed() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                return t.Result;
            }
        }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash_the_analyzer() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await t;
                return t.{|CS1001:|}{|CS1002:|}
            }
        }
        """);

    // ---- issue 12: the dual-path idiom, faulted and canceled tasks ----

    [Fact]
    public Task The_synchronous_branch_of_a_dual_path_is_not_reported() => Verify("""
        enum IOBehavior { Synchronous, Asynchronous }
        class C
        {
            async Task<int> A(Task<int> t, bool async) => async ? await t : t.Result;
            async Task<int> B(Task<int> t, bool async) { if (!async) return t.Result; return await t; }
            async Task D(Task t, bool useAsync) { if (useAsync) { await t; return; } t.Wait(); }
            async Task<int> E(Task<int> t, IOBehavior io) { if (io == IOBehavior.Synchronous) { return t.Result; } return await t; }
        }
        """);

    [Fact]
    public Task A_wait_on_the_asynchronous_branch_of_a_dual_path_is_reported() => Verify("""
        class C
        {
            async Task<int> A(Task<int> t, bool async) { if (async) { await Task.Yield(); return [|t.Result|]; } return 0; }
        }
        """);

    [Fact]
    public Task A_task_known_faulted_or_canceled_does_not_block() => Verify("""
        class C
        {
            async Task M(Task t, Task<int> u)
            {
                await Task.Yield();
                if (t.IsFaulted) t.Wait();
                if (u.IsCanceled || u.Status == TaskStatus.Faulted) { var x = u.Result; }
            }
        }
        """);

    [Fact]
    public Task Steps_aside_inside_a_hub_coroutine_where_CONC405_reports() => Verify("""
        using Concurrency.Runtime.Coroutines;
        class App
        {
            static void Main() => Hub.Run(async () => { var t = Task.Run(() => 1); var n = t.Result; await Task.Yield(); });
            static async Task Elsewhere() { var t = Task.Run(() => 1); var n = [|t.Result|]; await Task.Yield(); }
        }
        """);
}
