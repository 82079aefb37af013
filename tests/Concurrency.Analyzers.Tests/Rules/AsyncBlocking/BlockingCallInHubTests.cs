using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingCallInHubAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.BlockingCallInHubCodeFixProvider>;
using VerifyCounterpart = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingCallInHubAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.SyncCallWithAsyncCounterpartCodeFixProvider>;
using VerifyWait = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingCallInHubAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC405: a blocking call inside a hub coroutine stalls every coroutine of the hub.</summary>
public class BlockingCallInHubTests
{
    private const string Usings = "using System; using System.IO; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime.Coroutines;\n";

    private static Task Verify(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task Thread_sleep_in_an_async_coroutine_names_the_call_and_the_hub() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () => { {|#0:Thread.Sleep(100)|}; await Hub.Sleep(TimeSpan.Zero); });
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(0).WithArguments("Thread.Sleep", "'await Hub.Sleep(...)'"));

    [Fact]
    public Task Thread_sleep_in_a_non_async_lambda_returning_a_task() => Verify("""
        class App
        {
            static void Main() => Hub.Run(() => { [|Thread.Sleep(100)|]; return Task.CompletedTask; });
        }
        """);

    [Fact]
    public Task Synchronous_file_and_stream_io_in_a_spawned_coroutine() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                var g = Hub.Spawn(async () =>
                {
                    var text = [|File.ReadAllText("a.txt")|];
                    using var stream = File.OpenRead("b.bin");
                    var buffer = new byte[16];
                    var n = [|stream.Read(buffer, 0, 16)|];
                    await Hub.Sleep(TimeSpan.Zero);
                });
                await g;
            });
        }
        """);

    [Fact]
    public Task Result_and_wait_on_a_task_not_known_complete() => Verify("""
        class App
        {
            static Task<int> Fetch() => Task.FromResult(1);
            static void Main() => Hub.Run(async () =>
            {
                var t = Task.Run(() => 42);
                var n = {|#0:t.Result|};
                {|#1:Task.Delay(10).Wait()|};
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(0).WithArguments("Task.Result", "'await'"),
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(1).WithArguments("Task.Wait()", "'await'"));

    [Fact]
    public Task Runtime_waits_lock_event_condition_semaphore_barrier() => Verify("""
        using Concurrency.Runtime.Threading;
        class App
        {
            static void Main()
            {
                var gate = new Concurrency.Runtime.Threading.Lock();
                var done = new Event();
                var sem = new Concurrency.Runtime.Threading.Semaphore(2);
                var barrier = new Concurrency.Runtime.Threading.Barrier(2);
                Hub.Run(async () =>
                {
                    {|#0:gate.Acquire()|};
                    gate.Release();
                    {|#1:done.Wait()|};
                    {|#2:sem.Acquire()|};
                    {|#3:barrier.Wait()|};
                    await Hub.Sleep(TimeSpan.Zero);
                });
            }
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(0).WithArguments("Lock.Acquire", "'await Task.Run(() => ...)'"),
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(1).WithArguments("Event.Wait", "'await Task.Run(() => ...)'"),
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(2).WithArguments("Semaphore.Acquire", "'await Task.Run(() => ...)'"),
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(3).WithArguments("Barrier.Wait", "'await Task.Run(() => ...)'"));

    [Fact]
    public Task Thread_join_monitor_wait_and_wait_handles() => Verify("""
        class App
        {
            static readonly object Gate = new();
            static void Main(System.Threading.Thread worker, ManualResetEvent ready, SemaphoreSlim slots) => Hub.Run(async () =>
            {
                [|worker.Join()|];
                lock (Gate) { [|Monitor.Wait(Gate)|]; }
                [|ready.WaitOne()|];
                [|slots.Wait()|];
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task Runtime_queue_get_and_greenlet_join() => Verify("""
        using Concurrency.Runtime.Queues;
        class App
        {
            static void Main(Queue<int> q) => Hub.Run(async () =>
            {
                var g = Hub.Spawn(async () => { await Hub.Sleep(TimeSpan.FromMilliseconds(5)); });
                var item = {|#0:q.Get()|};
                {|#1:g.Join()|};
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(0).WithArguments("Queue.Get", "'await Queue.GetAsync(...)'"),
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHub).WithLocation(1).WithArguments("HubGreenlet.Join", "'await HubGreenlet.JoinAsync(...)'"));

    [Fact]
    public Task Through_a_method_chain_with_the_chain_in_the_message() => Verify("""
        class Client
        {
            public string Fetch() => ReadAll();
            string ReadAll() => File.ReadAllText("page.html");
        }
        class App
        {
            static void Main(Client client) => Hub.Run(async () => { var page = {|#0:client.Fetch()|}; await Hub.Sleep(TimeSpan.Zero); });
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHubThroughMethods).WithLocation(0).WithLocation(5, 25)
            .WithArguments("Fetch()", "Client.ReadAll → File.ReadAllText", "Test0.cs:5"));

    [Fact]
    public Task Through_an_awaited_async_method_of_ours() => Verify("""
        class App
        {
            static async Task Pause() { Thread.Sleep(50); await Task.Yield(); }
            static void Main() => Hub.Run(async () => { await {|#0:Pause()|}; });
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.BlockingCallInHubThroughMethods).WithLocation(0).WithLocation(4, 33)
            .WithArguments("Pause()", "Thread.Sleep", "Test0.cs:4"));

    [Fact]
    public Task Method_group_coroutine_across_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Worker.cs", Usings + "static class Worker { public static async Task Work() { [|Thread.Sleep(10)|]; await Hub.Sleep(TimeSpan.Zero); } }"));
        test.TestState.Sources.Add(("App.cs", Usings + "class App { static void Main() => Hub.Run(Worker.Work); }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Spawn_of_t_with_a_local_function_method_group() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                var g = Hub.Spawn<int>(Compute);
                var n = await g;

                async Task<int> Compute() { [|Thread.Sleep(5)|]; await Hub.Sleep(TimeSpan.Zero); return 1; }
            });
        }
        """);

    [Fact]
    public Task Nested_spawn_and_run_of_t() => Verify("""
        class App
        {
            static int Main() => Hub.Run<int>(async () =>
            {
                var outer = Hub.Spawn(async () =>
                {
                    var inner = Hub.Spawn<string>(async () => { await Hub.Sleep(TimeSpan.Zero); return [|File.ReadAllText("x")|]; });
                    await inner;
                });
                await outer;
                [|Thread.Sleep(1)|];
                return 0;
            });
        }
        """);

    [Fact]
    public Task A_lambda_run_at_once_inside_a_coroutine_is_the_coroutine() => Verify("""
        using System.Collections.Generic;
        class App
        {
            static void Main(List<string> paths) => Hub.Run(async () =>
            {
                paths.ForEach(p => [|File.WriteAllText(p, "")|]);
                paths.ForEach(p => [|Thread.Sleep(1)|]);
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task Static_field_lambda_in_a_generic_class_with_a_property_wait() => Verify("""
        using Concurrency.Runtime.Threading;
        class Pump<T>
        {
            static readonly Event Ready = new();
            public static void Start() => Hub.Run(async () => { [|Ready.Wait()|]; await Hub.Sleep(TimeSpan.Zero); });
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Hub_sleep_awaited_async_io_and_join_all_are_fine() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                await Hub.Sleep(TimeSpan.FromMilliseconds(10));
                var text = await File.ReadAllTextAsync("a.txt");
                var g = Hub.Spawn(async () => await Hub.Sleep(TimeSpan.Zero));
                await Hub.JoinAll(g);
                await g.JoinAsync();
            });
        }
        """);

    [Fact]
    public Task Code_inside_task_run_from_a_coroutine_runs_on_the_thread_pool() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                await Task.Run(() => Thread.Sleep(100));
                var text = await Task.Run(() => File.ReadAllText("a.txt"));
                ThreadPool.QueueUserWorkItem(_ => Thread.Sleep(10));
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task Zero_timeout_polls_do_not_block() => Verify("""
        using Concurrency.Runtime.Queues;
        class App
        {
            static void Main(Queue<int> q, SemaphoreSlim slots, ManualResetEvent ready) => Hub.Run(async () =>
            {
                var gate = new Concurrency.Runtime.Threading.Lock();
                if (gate.Acquire(blocking: false)) gate.Release();
                if (slots.Wait(0)) slots.Release();
                var set = ready.WaitOne(0);
                var item = q.Get(block: false);
                var timed = gate.Acquire(timeout: TimeSpan.Zero);
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task Blocking_code_outside_the_coroutine_is_not_the_hub() => Verify("""
        class App
        {
            static void Main()
            {
                Thread.Sleep(10);
                Hub.Run(async () => await Hub.Sleep(TimeSpan.Zero));
                var text = File.ReadAllText("a.txt");
            }
        }
        """);

    [Fact]
    public Task A_task_known_complete_is_not_a_wait() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                var t = Task.Run(() => 1);
                await t;
                var n = t.Result;
                var done = Task.FromResult(2).Result;
            });
        }
        """);

    [Fact]
    public Task Joining_a_greenlet_from_the_thread_that_called_run_is_not_in_a_coroutine() => Verify("""
        class App
        {
            static HubGreenlet? g;
            static void Main()
            {
                var worker = new System.Threading.Thread(() => { Thread.Sleep(10); g?.Join(); });
                worker.Start();
                Hub.Run(async () => { g = Hub.Spawn(async () => await Hub.Sleep(TimeSpan.Zero)); await g; });
                worker.Join();
            }
        }
        """);

    [Fact]
    public Task Plain_async_code_without_a_hub_is_not_this_rule() => Verify("""
        class App
        {
            static async Task Work() { await Task.Yield(); Thread.Sleep(10); var s = File.ReadAllText("a"); }
        }
        """);

    [Fact]
    public Task A_stored_lambda_not_given_to_the_hub_is_not_a_coroutine() => Verify("""
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                Func<Task> later = async () => { Thread.Sleep(1); await Task.Yield(); };
                Action log = () => Thread.Sleep(1);
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task A_method_never_given_to_the_hub_is_not_a_coroutine() => Verify("""
        class App
        {
            static async Task Work() { Thread.Sleep(10); await Task.Yield(); }
            static void Main() => Hub.Run(async () => await Hub.Sleep(TimeSpan.Zero));
        }
        """);

    [Fact]
    public Task Non_blocking_calls_and_nameof_inside_a_coroutine() => Verify("""
        using Concurrency.Runtime.Threading;
        class App
        {
            static void Main(Event done) => Hub.Run(async () =>
            {
                done.Set();
                var name = nameof(System.Threading.Thread.Sleep);
                var isSet = done.IsSet;
                using var reader = new StringReader("abc");
                var line = reader.ReadLine();
                await Hub.Sleep(TimeSpan.Zero);
            });
        }
        """);

    [Fact]
    public Task A_callee_that_does_not_block_is_not_reported() => Verify("""
        class Helper
        {
            public static int Twice(int x) => x * 2;
            public static Task<int> LaterAsync() => Task.Run(() => { Thread.Sleep(1); return 1; });
        }
        class App
        {
            static void Main() => Hub.Run(async () => { var n = Helper.Twice(2) + await Helper.LaterAsync(); });
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_sleep_milliseconds_to_hub_sleep() => VerifyFix("""
        class App
        {
            static void Main() => Hub.Run(async () => { [|Thread.Sleep(100)|]; await Task.Yield(); });
        }
        """, """
        class App
        {
            static void Main() => Hub.Run(async () => { await Hub.Sleep(TimeSpan.FromMilliseconds(100)); await Task.Yield(); });
        }
        """);

    [Fact]
    public Task Fix_sleep_timespan_passed_as_is() => VerifyFix("""
        class App
        {
            static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
            static void Main() => Hub.Run(async () => { [|Thread.Sleep(Pause)|]; await Task.Yield(); });
        }
        """, """
        class App
        {
            static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
            static void Main() => Hub.Run(async () => { await Hub.Sleep(Pause); await Task.Yield(); });
        }
        """);

    [Fact]
    public Task Fix_makes_a_lambda_returning_completed_task_async() => VerifyFix("""
        class App
        {
            static void Main() => Hub.Run(() =>
            {
                [|Thread.Sleep(10)|];
                Console.WriteLine("done");
                return Task.CompletedTask;
            });
        }
        """, """
        class App
        {
            static void Main() => Hub.Run(async () =>
            {
                await Hub.Sleep(TimeSpan.FromMilliseconds(10));
                Console.WriteLine("done");
            });
        }
        """);

    [Fact]
    public Task No_fix_in_a_synchronous_lambda_that_returns_another_task()
    {
        var source = Usings + """
            class App
            {
                static Task Next() => Task.CompletedTask;
                static void Main() => Hub.Run(() => { [|Thread.Sleep(10)|]; return Next(); });
            }
            """;
        return VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task Fix_all_sleeps_in_one_synchronous_lambda_and_across_documents()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { static void Main() => Hub.Run(() => { [|Thread.Sleep(1)|]; [|Thread.Sleep(2)|]; return Task.CompletedTask; }); }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { static void M() => Hub.Run(async () => { [|Thread.Sleep(TimeSpan.Zero)|]; await Task.Yield(); }); }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { static void Main() => Hub.Run(async () => { await Hub.Sleep(TimeSpan.FromMilliseconds(1)); await Hub.Sleep(TimeSpan.FromMilliseconds(2)); }); }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { static void M() => Hub.Run(async () => { await Hub.Sleep(TimeSpan.Zero); await Task.Yield(); }); }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_qualifies_the_hub_where_its_namespace_is_not_imported() => VerifyCS.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        class App
        {
            static void Main() => Concurrency.Runtime.Coroutines.Hub.Run(async () => { [|Thread.Sleep(5)|]; await Task.Yield(); });
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;
        class App
        {
            static void Main() => Concurrency.Runtime.Coroutines.Hub.Run(async () => { await Concurrency.Runtime.Coroutines.Hub.Sleep(System.TimeSpan.FromMilliseconds(5)); await Task.Yield(); });
        }
        """);

    [Fact]
    public Task Fix_sync_io_to_its_async_counterpart() => VerifyCounterpart.VerifyCodeFixAsync(Usings + """
        class App
        {
            static void Main() => Hub.Run(async () => { var text = [|File.ReadAllText("a.txt")|]; await Task.Yield(); });
        }
        """, Usings + """
        class App
        {
            static void Main() => Hub.Run(async () => { var text = await File.ReadAllTextAsync("a.txt"); await Task.Yield(); });
        }
        """);

    [Fact]
    public Task Fix_queue_get_and_greenlet_join_to_their_async_forms() => VerifyCounterpart.VerifyCodeFixAsync(Usings + """
        using Concurrency.Runtime.Queues;
        class App
        {
            static void Main(Queue<int> q) => Hub.Run(async () =>
            {
                var g = Hub.Spawn(async () => await Hub.Sleep(TimeSpan.Zero));
                var item = [|q.Get()|];
                [|g.Join()|];
            });
        }
        """, Usings + """
        using Concurrency.Runtime.Queues;
        class App
        {
            static void Main(Queue<int> q) => Hub.Run(async () =>
            {
                var g = Hub.Spawn(async () => await Hub.Sleep(TimeSpan.Zero));
                var item = await q.GetAsync();
                await g.JoinAsync();
            });
        }
        """);

    [Fact]
    public Task Fix_result_to_await() => VerifyWait.VerifyCodeFixAsync(Usings + """
        class App
        {
            static void Main() => Hub.Run(async () => { var t = Task.Run(() => 1); var n = [|t.Result|] + 1; await Task.Yield(); });
        }
        """, Usings + """
        class App
        {
            static void Main() => Hub.Run(async () => { var t = Task.Run(() => 1); var n = await t + 1; await Task.Yield(); });
        }
        """);

    [Fact]
    public Task No_counterpart_fix_in_a_synchronous_coroutine()
    {
        var source = Usings + """
            class App
            {
                static void Main() => Hub.Run(() => { var text = [|File.ReadAllText("a.txt")|]; return Task.CompletedTask; });
            }
            """;
        return VerifyCounterpart.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task No_fix_for_an_infinite_sleep_nor_a_sleep_inside_a_lock()
    {
        var source = Usings + """
            class App
            {
                static readonly object Gate = new();
                static void Main() => Hub.Run(async () =>
                {
                    [|Thread.Sleep(Timeout.Infinite)|];
                    lock (Gate) { [|Thread.Sleep(5)|]; }
                    await Task.Yield();
                });
            }
            """;
        return VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
