using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.UnobservedTaskAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.UnobservedTaskCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC204: a task whose completion nobody observes, and its fixes.</summary>
public class UnobservedTaskTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult Unobserved(int location, string name) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnobservedTask).WithLocation(location).WithArguments(name);

    // ---- positives ----

    [Fact]
    public Task Task_Run_dropped_in_synchronous_code() => Verify("""
        class C
        {
            void Work() { }
            void M() { {|#0:Task.Run(Work)|}; }
        }
        """,
        Unobserved(0, "Task.Run"));

    [Fact]
    public Task An_async_method_called_and_dropped_from_synchronous_code() => Verify("""
        class Store
        {
            public async Task SaveAsync() => await Task.Yield();
            public void Save() { {|#0:SaveAsync()|}; }
        }
        """,
        Unobserved(0, "SaveAsync"));

    [Fact]
    public Task ContinueWith_dropped() => Verify("""
        class C
        {
            void M(Task t) { {|#0:t.ContinueWith(_ => Console.WriteLine("done"))|}; }
        }
        """,
        Unobserved(0, "ContinueWith"));

    [Fact]
    public Task A_ValueTask_dropped_through_a_conditional_access_and_ConfigureAwait() => Verify("""
        class C
        {
            ValueTask FlushAsync() => default;
            void M(C other) { {|#0:other?.FlushAsync()|}; {|#1:FlushAsync()|}.ConfigureAwait(false); }
        }
        """,
        Unobserved(0, "FlushAsync"), Unobserved(1, "FlushAsync"));

    [Fact]
    public Task A_cold_task_created_started_and_dropped_in_async_code_too() => Verify("""
        class C
        {
            void Work() { }
            void M() { {|#0:new Task(Work)|}.Start(); }
            async Task N() { {|#1:new Task(Work)|}.Start(); await Task.Yield(); }
        }
        """,
        Unobserved(0, "new Task(…)"), Unobserved(1, "new Task(…)"));

    [Fact]
    public Task A_local_nothing_awaits_in_synchronous_and_async_code() => Verify("""
        class C
        {
            void Work() { }
            void M() { var {|#0:worker|} = Task.Run(Work); Console.WriteLine("started"); }
            async Task N() { var {|#1:worker|} = Task.Run(Work); await Task.Delay(1); }
        }
        """,
        Unobserved(0, "Task.Run"), Unobserved(1, "Task.Run"));

    [Fact]
    public Task A_cold_task_only_started() => Verify("""
        class C
        {
            void Work() { }
            void M() { var {|#0:t|} = new Task(Work); t.Start(); }
        }
        """,
        Unobserved(0, "new Task(…)"));

    [Fact]
    public Task StartNew_with_an_async_delegate_even_when_awaited() => Verify("""
        class C
        {
            async Task M() => await {|#0:Task.Factory.StartNew(async () => await Task.Delay(10))|};
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.UnobservedTaskOfAsyncStartNew).WithLocation(0).WithArguments("Task.Factory.StartNew"));

    [Fact]
    public Task Dropped_in_a_synchronous_lambda_and_a_local_function_inside_async_code() => Verify("""
        class C
        {
            void Work() { }
            async Task M()
            {
                Action start = () => {|#0:Task.Run(Work)|};
                void Local() { {|#1:Task.Run(Work)|}; }
                start(); Local();
                await Task.Yield();
            }
        }
        """,
        Unobserved(0, "Task.Run"), Unobserved(1, "Task.Run"));

    [Fact]
    public Task Generic_methods_and_a_partial_type_in_two_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Store.cs", Usings + """
            partial class Store<T>
            {
                public Task<T> LoadAsync<TKey>(TKey key) => Task.FromResult(default(T)!);
            }
            """));
        test.TestState.Sources.Add(("Client.cs", Usings + """
            partial class Store<T>
            {
                void Warm() { {|#0:LoadAsync(42)|}; }
            }
            """));
        test.ExpectedDiagnostics.Add(Unobserved(0, "LoadAsync"));
        return test.RunAsync();
    }

    [Fact]
    public Task Task_Delay_dropped_waits_for_nothing() => Verify("""
        class C { void M() { {|#0:Task.Delay(100)|}; } }
        """,
        Unobserved(0, "Task.Delay"));

    // ---- negatives ----

    [Fact]
    public Task Awaited_waited_for_or_handed_on() => Verify("""
        class C
        {
            private Task _background = Task.CompletedTask;
            void Work() { }
            async Task Awaited() { var t = Task.Run(Work); Console.WriteLine(); await t; }
            void Waited() { var t = Task.Run(Work); t.Wait(); Task.Run(Work).Wait(); }
            Task Returned() { var t = Task.Run(Work); return t; }
            void Stored() { var t = Task.Run(Work); _background = t; _background = Task.Run(Work); }
            Task Passed() { var a = Task.Run(Work); var b = Task.Run(Work); return Task.WhenAll(a, b); }
            void Captured() { var t = Task.Run(Work); Action wait = () => t.Wait(); wait(); }
            void Continued() { var t = Task.Run(Work); t.ContinueWith(_ => { }).Wait(); }
        }
        """);

    [Fact]
    public Task Dropped_in_async_code_is_left_to_the_compiler_s_CS4014() => Verify("""
        class C
        {
            void Work() { }
            async Task M()
            {
                Task.Run(Work);
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Finished_tasks_are_not_work() => Verify("""
        class C
        {
            void M()
            {
                Task.FromResult(1);
                Task.FromException(new InvalidOperationException());
                Task.FromCanceled(new CancellationToken(true));
                var done = Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task An_explicit_discard_is_CONC209_s() => Verify("""
        class C
        {
            void Work() { }
            void M() { _ = Task.Run(Work); }
            void N() { var _ = Task.Run(Work); }
        }
        """);

    [Fact]
    public Task StartNew_of_an_async_delegate_unwrapped_or_awaited_twice() => Verify("""
        class C
        {
            async Task M()
            {
                await Task.Factory.StartNew(async () => await Task.Delay(10)).Unwrap();
                await await Task.Factory.StartNew(async () => await Task.Delay(10));
                await Task.Factory.StartNew(() => Thread.Sleep(10));
            }
        }
        """);

    [Fact]
    public Task Task_valued_properties_and_fields_read_are_not_calls() => Verify("""
        class C
        {
            private readonly TaskCompletionSource<int> _tcs = new();
            Task<int> Pending => _tcs.Task;
            void M() { var t = Pending; var u = _tcs.Task; }
        }
        """);

    [Fact]
    public Task A_task_local_assigned_later_and_observed() => Verify("""
        class C
        {
            void Work() { }
            void M(bool now)
            {
                Task t;
                t = Task.Run(Work);
                if (now) t.Wait();
            }
        }
        """);

    [Fact]
    public Task Calls_returning_other_types_are_not_tasks() => Verify("""
        class C
        {
            int Compute() => 1;
            IAsyncEnumerable<int> Stream() => null!;
            void M() { Compute(); Stream(); }
        }
        """);

    [Fact]
    public Task Calls_whose_task_needs_no_observer() => Verify("""
        enum CommandFlags { None = 0, FireAndForget = 2 }

        static class TaskExtensions
        {
            // Hands back the task it was given, with its errors observed.
            public static Task ObserveErrors(this Task task)
            {
                task.ContinueWith(t => GC.KeepAlive(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                return task;
            }
        }

        class Client
        {
            Task SendAsync(string command, CommandFlags flags = CommandFlags.None) => Task.CompletedTask;
            void M(Task pending)
            {
                SendAsync("PING", CommandFlags.FireAndForget);
                pending.ObserveErrors();
                pending.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
            }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task A_dropped_task_is_kept_and_waited_for_at_the_end() => VerifyFix("""
        class C
        {
            void Work() { }
            void M()
            {
                [|Task.Run(Work)|];
                Console.WriteLine("started");
            }
        }
        """, """
        class C
        {
            void Work() { }
            void M()
            {
                var task = Task.Run(Work);
                Console.WriteLine("started");
                task.GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task Fix_all_keeps_each_task_under_its_own_name_and_waits_before_the_return() => VerifyFix("""
        class C
        {
            void Work() { }
            int M()
            {
                var task = 1;
                [|Task.Run(Work)|];
                [|Task.Run(Work)|];
                return task;
            }
        }
        """, """
        class C
        {
            void Work() { }
            int M()
            {
                var task = 1;
                var task1 = Task.Run(Work);
                var task2 = Task.Run(Work);
                task1.GetAwaiter().GetResult();
                task2.GetAwaiter().GetResult();
                return task;
            }
        }
        """);

    [Fact]
    public Task A_conditional_call_is_waited_for_only_when_it_ran() => VerifyFix("""
        class Store
        {
            public Task SaveAsync() => Task.CompletedTask;
            void M(Store? other)
            {
                [|other?.SaveAsync()|];
            }
        }
        """, """
        class Store
        {
            public Task SaveAsync() => Task.CompletedTask;
            void M(Store? other)
            {
                var task = other?.SaveAsync();
                task?.GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task An_unobserved_local_in_async_code_is_awaited_at_the_end() => VerifyFix("""
        class C
        {
            void Work() { }
            async Task M()
            {
                var [|worker|] = Task.Run(Work);
                await Task.Delay(1);
            }
        }
        """, """
        class C
        {
            void Work() { }
            async Task M()
            {
                var worker = Task.Run(Work);
                await Task.Delay(1);
                await worker;
            }
        }
        """);

    [Fact]
    public Task An_unobserved_local_in_synchronous_code_is_waited_for_at_the_end() => VerifyFix("""
        class C
        {
            void Work() { }
            void M()
            {
                var [|worker|] = Task.Run(Work);
                Console.WriteLine("started");
            }
        }
        """, """
        class C
        {
            void Work() { }
            void M()
            {
                var worker = Task.Run(Work);
                Console.WriteLine("started");
                worker.GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task StartNew_of_an_async_delegate_is_unwrapped() => VerifyFix("""
        class C
        {
            async Task M() => await [|Task.Factory.StartNew(async () => await Task.Delay(10))|];
        }
        """, """
        class C
        {
            async Task M() => await Task.Factory.StartNew(async () => await Task.Delay(10)).Unwrap();
        }
        """);

    [Fact]
    public Task No_fix_inside_a_loop_where_waiting_would_make_the_loop_serial() => VerifyFix("""
        class C
        {
            void Work() { }
            void M()
            {
                for (var i = 0; i < 3; i++)
                {
                    [|Task.Run(Work)|];
                }
            }
        }
        """, """
        class C
        {
            void Work() { }
            void M()
            {
                for (var i = 0; i < 3; i++)
                {
                    [|Task.Run(Work)|];
                }
            }
        }
        """);
}
