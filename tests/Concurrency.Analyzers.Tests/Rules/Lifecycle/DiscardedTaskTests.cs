using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.DiscardedTaskAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.DiscardedTaskCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC209: a task discarded on purpose whose exceptions nobody will see (a suggestion), and its fix.</summary>
public class DiscardedTaskTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult Discarded(int location, string name) =>
        VerifyCS.Diagnostic(RuleDescriptors.DiscardedTask).WithLocation(location).WithArguments(name);

    // ---- positives ----

    [Fact]
    public Task A_future_discarded_has_its_own_message() => Verify("""
        class C
        {
            static int Work() => 1;
            void M(Concurrency.Runtime.Futures.Executor e) { {|#0:_ = e.Submit(Work)|}; }
            async Task N(Concurrency.Runtime.Futures.Executor e) { {|#1:_ = e.Submit(Work)|}; await Task.Yield(); }
            void Safe(Concurrency.Runtime.Futures.Executor e) { _ = e.Submit(() => { try { Work(); } catch (Exception) { } }); }
        }
        """,
        DiscardedFuture(0, "Submit"), DiscardedFuture(1, "Submit"));

    [Fact]
    public Task A_future_discarded_in_async_code_is_awaited() => VerifyFix("""
        class C
        {
            static int Work() => 1;
            async Task N(Concurrency.Runtime.Futures.Executor e) { [|_ = e.Submit(Work)|]; await Task.Yield(); }
        }
        """, """
        class C
        {
            static int Work() => 1;
            async Task N(Concurrency.Runtime.Futures.Executor e) { await e.Submit(Work); await Task.Yield(); }
        }
        """);

    private static DiagnosticResult DiscardedFuture(int location, string name) =>
        VerifyCS.Diagnostic(RuleDescriptors.DiscardedFuture).WithLocation(location).WithArguments(name);

    [Fact]
    public Task Task_Run_discarded_in_synchronous_and_async_code() => Verify("""
        class C
        {
            void Work() { }
            void M() { {|#0:_ = Task.Run(Work)|}; }
            async Task N() { {|#1:_ = Task.Run(Work)|}; await Task.Yield(); }
        }
        """,
        Discarded(0, "Task.Run"), Discarded(1, "Task.Run"));

    [Fact]
    public Task An_async_method_discarded() => Verify("""
        class Store
        {
            public async Task SaveAsync() { await Task.Yield(); throw new InvalidOperationException(); }
            public void Save() { {|#0:_ = SaveAsync()|}; }
        }
        """,
        Discarded(0, "SaveAsync"));

    [Fact]
    public Task A_discard_local() => Verify("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            void M() { var {|#0:_ = SendAsync()|}; }
        }
        """,
        Discarded(0, "SendAsync"));

    [Fact]
    public Task A_continuation_that_runs_whatever_happened() => Verify("""
        class C
        {
            void M(Task t) { {|#0:_ = t.ContinueWith(_ => Console.WriteLine("done"))|}; }
        }
        """,
        Discarded(0, "ContinueWith"));

    [Fact]
    public Task A_ValueTask_and_ConfigureAwait() => Verify("""
        class C
        {
            ValueTask FlushAsync() => default;
            void M() { {|#0:_ = FlushAsync()|}; {|#1:_ = FlushAsync().ConfigureAwait(false)|}; }
        }
        """,
        Discarded(0, "FlushAsync"), Discarded(1, "FlushAsync"));

    [Fact]
    public Task StartNew_discarded() => Verify("""
        class C
        {
            void Work() { }
            void M() { {|#0:_ = Task.Factory.StartNew(Work)|}; }
        }
        """,
        Discarded(0, "Task.Factory.StartNew"));

    [Fact]
    public Task In_a_lambda_and_a_local_function() => Verify("""
        class C
        {
            void Work() { }
            void M()
            {
                Action start = () => {|#0:_ = Task.Run(Work)|};
                void Local() { {|#1:_ = Task.Run(Work)|}; }
                start(); Local();
            }
        }
        """,
        Discarded(0, "Task.Run"), Discarded(1, "Task.Run"));

    [Fact]
    public Task A_catch_with_a_filter_or_a_narrow_type_does_not_catch_everything() => Verify("""
        class C
        {
            void M()
            {
                {|#0:_ = Task.Run(() => { try { Work(); } catch (InvalidOperationException) { } })|};
                {|#1:_ = Task.Run(() => { try { Work(); } catch (Exception e) when (e is TimeoutException) { } })|};
            }
            void Work() { }
        }
        """,
        Discarded(0, "Task.Run"), Discarded(1, "Task.Run"));

    [Fact]
    public Task A_generic_method_in_a_generic_type() => Verify("""
        class Cache<T>
        {
            Task<T> LoadAsync<TKey>(TKey key) => Task.FromException<T>(new KeyNotFoundException());
            void Warm() { {|#0:_ = LoadAsync("k")|}; }
        }
        """,
        Discarded(0, "LoadAsync"));

    [Fact]
    public Task A_task_returning_lambda_invoked() => Verify("""
        class C
        {
            void M(Func<Task> send) { {|#0:_ = send()|}; }
        }
        """,
        Discarded(0, "Invoke"));

    // ---- negatives ----

    [Fact]
    public Task Work_that_catches_every_exception_itself() => Verify("""
        class C
        {
            void Work() { }
            void Log(Exception e) { }
            async Task SafeAsync() { try { await Task.Yield(); Work(); } catch (Exception e) { Log(e); } }
            void Safe() { try { Work(); } catch { } }
            void M()
            {
                _ = Task.Run(() => { try { Work(); } catch (Exception e) { Log(e); } });
                _ = Task.Run(async () => { try { await Task.Yield(); } catch (Exception e) { Log(e); } });
                _ = SafeAsync();
                _ = Task.Run(Safe);
            }
        }
        """);

    [Fact]
    public Task A_lambda_that_calls_one_method_that_catches_everything() => Verify("""
        class Writer
        {
            private readonly object _gate = new object();
            private async Task CopyOutAsync(bool active)
            {
                bool taken = false;
                try { Monitor.Enter(_gate, ref taken); await Task.Yield(); }
                catch (Exception e) { Console.Error.WriteLine(e); }
                finally { if (taken) Monitor.Exit(_gate); }
            }
            void Start(bool active) { _ = Task.Run(() => CopyOutAsync(active)); _ = Task.Run(async () => await CopyOutAsync(active)); }
        }
        """);

    [Fact]
    public Task A_continuation_that_runs_only_on_a_fault() => Verify("""
        class C
        {
            void M(Task t)
            {
                _ = t.ContinueWith(f => Console.WriteLine(f.Exception), TaskContinuationOptions.OnlyOnFaulted);
                _ = t.ContinueWith(f => Console.WriteLine(f.Exception), TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            }
        }
        """);

    [Fact]
    public Task Finished_tasks() => Verify("""
        class C
        {
            void M() { _ = Task.FromResult(1); _ = Task.CompletedTask; }
        }
        """);

    [Fact]
    public Task Discarded_values_that_are_not_tasks() => Verify("""
        class C
        {
            int Compute() => 1;
            void M(Dictionary<int, int> map) { _ = Compute(); _ = map.Remove(1); _ = "x".Length; }
        }
        """);

    [Fact]
    public Task A_task_local_or_field_discarded_is_not_a_call() => Verify("""
        class C
        {
            private Task _pending = Task.CompletedTask;
            void M(Task t) { _ = t; _ = _pending; }
        }
        """);

    [Fact]
    public Task Observed_tasks_are_not_discarded() => Verify("""
        class C
        {
            void Work() { }
            async Task M() { await Task.Run(Work); var t = Task.Run(Work); await t; }
        }
        """);

    [Fact]
    public Task A_discard_pattern_in_a_deconstruction_or_out_argument() => Verify("""
        class C
        {
            (Task, int) Pair() => (Task.CompletedTask, 1);
            void M(Dictionary<int, Task> map) { var (_, n) = Pair(); map.TryGetValue(1, out _); }
        }
        """);

    [Fact]
    public Task A_lambda_discarding_inside_a_try_that_catches_everything_is_still_a_discard_of_its_own() => Verify("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            void M() { try { {|#0:_ = SendAsync()|}; } catch (Exception) { } }
        }
        """,
        Discarded(0, "SendAsync"));

    // ---- fixes ----

    [Fact]
    public Task In_async_code_the_discard_becomes_an_await() => VerifyFix("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                [|_ = SendAsync()|];
            }
        }
        """, """
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                await SendAsync();
            }
        }
        """);

    [Fact]
    public Task Fix_all_awaits_every_discard_of_the_document() => VerifyFix("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                [|_ = SendAsync()|];
                [|_ = Task.Run(() => { })|];
            }
        }
        """, """
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                await SendAsync();
                await Task.Run(() => { });
            }
        }
        """);

    [Fact]
    public Task In_an_async_lambda_with_ConfigureAwait() => VerifyFix("""
        class C
        {
            ValueTask FlushAsync() => default;
            void M()
            {
                Func<Task> f = async () => { [|_ = FlushAsync().ConfigureAwait(false)|]; };
            }
        }
        """, """
        class C
        {
            ValueTask FlushAsync() => default;
            void M()
            {
                Func<Task> f = async () => { await FlushAsync().ConfigureAwait(false); };
            }
        }
        """);

    [Fact]
    public Task Comments_around_the_discard_are_kept() => VerifyFix("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                // tell the others
                [|_ = SendAsync()|]; // fire
            }
        }
        """, """
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            async Task M()
            {
                // tell the others
                await SendAsync(); // fire
            }
        }
        """);

    [Fact]
    public Task No_fix_in_synchronous_code() => VerifyFix("""
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            void M() { [|_ = SendAsync()|]; }
        }
        """, """
        class C
        {
            Task SendAsync() => Task.CompletedTask;
            void M() { [|_ = SendAsync()|]; }
        }
        """);

    [Fact]
    public Task No_fix_inside_a_lock() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            Task SendAsync() => Task.CompletedTask;
            async Task M() { lock (_gate) { [|_ = SendAsync()|]; } await Task.Yield(); }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            Task SendAsync() => Task.CompletedTask;
            async Task M() { lock (_gate) { [|_ = SendAsync()|]; } await Task.Yield(); }
        }
        """);
}
