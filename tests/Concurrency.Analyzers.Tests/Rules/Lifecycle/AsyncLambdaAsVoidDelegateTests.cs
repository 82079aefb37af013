using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.AsyncLambdaAsVoidDelegateAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.AsyncLambdaAsVoidDelegateCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC208: an async function where a worker API expects a void delegate, and its fix.</summary>
public class AsyncLambdaAsVoidDelegateTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Diagnostic(int location, string target) =>
        VerifyCS.Diagnostic(RuleIds.AsyncLambdaAsVoidDelegate).WithLocation(location).WithArguments("'" + target + "'");

    // ---- positives ----

    [Fact]
    public Task Async_lambda_as_a_thread_target() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var t = new Thread({|#0:async|} () => { await Task.Delay(10); Console.WriteLine("late"); });
                t.Start();
                t.Join();
            }
        }
        """,
        Diagnostic(0, "new Thread(...)"));

    [Fact]
    public Task Async_anonymous_method_as_a_thread_target() => Verify("""
        class C { void M() { new Thread([|async|] delegate () { await Task.Yield(); }).Start(); } }
        """);

    [Fact]
    public Task Runtime_thread_and_process_targets() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var t = new Concurrency.Runtime.Threading.Thread({|#0:async|} () => await Task.Delay(1));
                var p = new Concurrency.Runtime.Multiprocessing.Process({|#1:async|} () => await Task.Delay(1));
                var timer = new Concurrency.Runtime.Threading.Timer(TimeSpan.FromSeconds(1), {|#2:async|} () => await Task.Delay(1));
            }
        }
        """,
        Diagnostic(0, "new Thread(...)"),
        Diagnostic(1, "new Process(...)"),
        Diagnostic(2, "new Timer(...)"));

    [Fact]
    public Task Runtime_thread_with_a_cast_delegate_and_arguments() => Verify("""
        class C
        {
            void M() => new Concurrency.Runtime.Threading.Thread((Action<int>)([|async|] n => await Task.Delay(n)), new object?[] { 5 }).Start();
        }
        """);

    [Fact]
    public Task Parallel_ForEach_For_and_Invoke_in_synchronous_code() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                Parallel.ForEach(items, {|#0:async|} item => await Task.Delay(item));
                Parallel.For(0, items.Length, {|#1:async|} i => await Task.Delay(items[i]));
                Parallel.Invoke({|#2:async|} () => await Task.Yield(), () => { }, {|#3:async|} () => await Task.Yield());
            }
        }
        """,
        Diagnostic(0, "Parallel.ForEach"),
        Diagnostic(1, "Parallel.For"),
        Diagnostic(2, "Parallel.Invoke"),
        Diagnostic(3, "Parallel.Invoke"));

    [Fact]
    public Task List_and_array_ForEach_in_a_generic_method() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Task Handle<T>(T item) => Task.CompletedTask;
            void M<T>(List<T> items, T[] array)
            {
                items.ForEach({|#0:async|} x => await Handle(x));
                Array.ForEach(array, {|#1:async|} x => { await Handle(x); });
            }
        }
        """,
        Diagnostic(0, "List.ForEach"),
        Diagnostic(1, "Array.ForEach"));

    [Fact]
    public Task Timer_callbacks() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(System.Timers.Timer elapsed)
            {
                var timer = new System.Threading.Timer({|#0:async|} _ => await Task.Delay(1), null, 0, 1000);
                elapsed.Elapsed += {|#1:async|} (sender, e) => await Task.Delay(1);
            }
        }
        """,
        Diagnostic(0, "new Timer(...)"),
        Diagnostic(1, "Timer.Elapsed"));

    [Fact]
    public Task Thread_pool_work_items() => Verify("""
        class C
        {
            void M()
            {
                ThreadPool.QueueUserWorkItem([|async|] _ => await Task.Delay(1));
                ThreadPool.QueueUserWorkItem([|async|] state => await Task.Delay(state), 10, preferLocal: false);
            }
        }
        """);

    [Fact]
    public Task Async_void_method_group() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async void WorkAsync() => await Task.Delay(1);
            void Work() { }
            void M()
            {
                new Thread({|#0:WorkAsync|}).Start();
                Task.Run({|#1:this.WorkAsync|});
                new Thread(Work).Start();
            }
        }
        """,
        Diagnostic(0, "new Thread(...)"),
        Diagnostic(1, "Task.Run"));

    [Fact]
    public Task Async_void_local_function_as_a_method_group() => Verify("""
        class C
        {
            void M()
            {
                async void Poll(object? state) => await Task.Delay(1);
                ThreadPool.QueueUserWorkItem([|Poll|]);
            }
        }
        """);

    [Fact]
    public Task Async_void_method_of_another_part_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "partial class C { void M() { new Thread([|Refresh|]).Start(); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "partial class C { async void Refresh() => await Task.Delay(1); }"));
        return test.RunAsync();
    }

    [Fact]
    public Task New_task_with_an_async_lambda() => Verify("""
        class C { Task M() { var t = new Task([|async|] () => await Task.Delay(1)); t.Start(); return t; } }
        """);

    [Fact]
    public Task Inside_a_synchronous_lambda_and_a_local_function() => Verify("""
        class C
        {
            void M(int[] items)
            {
                Action run = () => Parallel.ForEach(items, [|async|] x => await Task.Delay(x));
                void Other() => new Thread([|async|] () => await Task.Yield()).Start();
                run();
                Other();
            }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Async_lambdas_converted_to_task_returning_delegates() => Verify("""
        class C
        {
            async Task M(int[] items)
            {
                await Task.Run(async () => await Task.Delay(1));
                await Task.Factory.StartNew(async () => await Task.Delay(1)).Unwrap();
                await Parallel.ForEachAsync(items, async (x, ct) => await Task.Delay(x, ct));
                Func<Task> f = async () => await Task.Yield();
                await f();
            }
        }
        """);

    [Fact]
    public Task Async_void_delegate_not_handed_to_a_worker() => Verify("""
        class C
        {
            static void Call(Action a) => a();
            void M()
            {
                Action a = async () => await Task.Yield();
                Call(async () => await Task.Yield());
                a();
            }
        }
        """);

    [Fact]
    public Task Event_handlers_are_not_reported() => Verify("""
        class Button { public event EventHandler? Click; }
        class C
        {
            void M(Button button)
            {
                button.Click += async (sender, e) => await Task.Delay(1);
                button.Click += OnClick;
            }
            async void OnClick(object? sender, EventArgs e) => await Task.Delay(1);
        }
        """);

    [Fact]
    public Task Async_void_methods_themselves_are_not_reported() => Verify("""
        class C
        {
            async void Fire() { await Task.Delay(1); }
            async Task RunAsync() => await Task.Delay(1);
            void M() { Task.Run(RunAsync); }
        }
        """);

    [Fact]
    public Task Synchronous_lambdas_and_methods() => Verify("""
        class C
        {
            void Work() { }
            void M(List<int> items)
            {
                new Thread(() => Work()).Start();
                new Thread(Work).Start();
                Parallel.ForEach(items, x => Work());
                items.ForEach(delegate (int x) { Work(); });
                ThreadPool.QueueUserWorkItem(_ => Work());
            }
        }
        """);

    [Fact]
    public Task A_ForEach_of_another_type() => Verify("""
        class Bag { public void ForEach(Action<int> action) { } }
        class C { void M(Bag bag) { bag.ForEach(async x => await Task.Delay(x)); } }
        """);

    [Fact]
    public Task A_local_and_a_field_named_like_async_void_methods() => Verify("""
        class C
        {
            async void Tick() => await Task.Yield();
            void M(ThreadStart Tick2)
            {
                ThreadStart Tick = () => { };
                new Thread(Tick).Start();
                new Thread(Tick2).Start();
            }
        }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { void M() { new Thread(async () => await Task.Yield()).Start(); } }
        """);

    [Fact]
    public Task Incomplete_code_does_not_crash() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { void M() { new Thread(async () => { await ; Parallel.ForEach(, async x => ); new Thread(async } }",
        CompilerDiagnostics = CompilerDiagnostics.None,
    }.RunAsync();

    [Fact]
    public Task Timer_and_thread_pool_callbacks_that_catch_every_exception() => Verify("""
        class Feedback
        {
            private System.Threading.Timer? _timer;
            async Task SendAsync() => await Task.Delay(1);
            async void OnTimer(object? state)
            {
                try { await SendAsync(); }
                catch { }
            }
            void Start()
            {
                _timer = new System.Threading.Timer(OnTimer, null, 0, 1000);
                ThreadPool.QueueUserWorkItem(async _ => { try { await SendAsync(); } catch (Exception e) { Console.Error.WriteLine(e); } });
            }
        }
        """);

    [Fact]
    public Task A_parallel_body_that_catches_every_exception_still_ends_before_its_work() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Import
        {
            async Task LoadAsync(int i) => await Task.Delay(i);
            void M(int[] items) => Parallel.ForEach(items, {|#0:async|} i => { try { await LoadAsync(i); } catch { } });
        }
        """,
        Diagnostic(0, "Parallel.ForEach"));

    // ---- fixes ----

    [Fact]
    public Task ForEach_becomes_await_ForEachAsync() => VerifyFix("""
        class C
        {
            async Task M(IEnumerable<string> urls)
            {
                // fetch them all
                Parallel.ForEach(urls, [|async|] url =>
                {
                    await Task.Delay(url.Length);
                }); // done
            }
        }
        """, """
        class C
        {
            async Task M(IEnumerable<string> urls)
            {
                // fetch them all
                await Parallel.ForEachAsync(urls, async (url, ct) =>
                {
                    await Task.Delay(url.Length);
                }); // done
            }
        }
        """);

    [Fact]
    public Task Explicitly_typed_lambda_with_options_gets_a_typed_token() => VerifyFix("""
        class C
        {
            async Task M(List<int> items, ParallelOptions options)
            {
                Parallel.ForEach(items, options, [|async|] (int item) => await Task.Delay(item));
            }
        }
        """, """
        class C
        {
            async Task M(List<int> items, ParallelOptions options)
            {
                await Parallel.ForEachAsync(items, options, async (int item, CancellationToken ct) => await Task.Delay(item));
            }
        }
        """);

    [Fact]
    public Task For_becomes_await_ForAsync_and_the_token_name_is_free() => VerifyFix("""
        class C
        {
            async Task M(int[] items, CancellationToken ct)
            {
                Parallel.For(0, items.Length, [|async|] i => await Task.Delay(items[i], ct));
            }
        }
        """, """
        class C
        {
            async Task M(int[] items, CancellationToken ct)
            {
                await Parallel.ForAsync(0, items.Length, async (i, ct1) => await Task.Delay(items[i], ct));
            }
        }
        """);

    [Fact]
    public Task Anonymous_method_in_an_async_lambda_with_ConfigureAwait() => VerifyFix("""
        class C
        {
            async Task Other() => await Task.Delay(1).ConfigureAwait(false);
            void M(long[] items)
            {
                Func<Task> run = async () =>
                {
                    Parallel.ForEach(items, [|async|] delegate (long item) { await Task.Delay((int)item).ConfigureAwait(false); });
                    await Task.Delay(2).ConfigureAwait(false);
                };
            }
        }
        """, """
        class C
        {
            async Task Other() => await Task.Delay(1).ConfigureAwait(false);
            void M(long[] items)
            {
                Func<Task> run = async () =>
                {
                    await Parallel.ForEachAsync(items, async delegate (long item, CancellationToken ct) { await Task.Delay((int)item).ConfigureAwait(false); }).ConfigureAwait(false);
                    await Task.Delay(2).ConfigureAwait(false);
                };
            }
        }
        """);

    [Fact]
    public Task In_an_async_local_function_with_using_static() => VerifyCS.VerifyCodeFixAsync("using static System.Threading.Tasks.Parallel;\n" + Usings + """
        class C
        {
            void M(long count)
            {
                async Task Local() { For(0, count, [|async|] i => await Task.Delay((int)i)); await Task.Yield(); }
                _ = Local();
            }
        }
        """, "using static System.Threading.Tasks.Parallel;\n" + Usings + """
        class C
        {
            void M(long count)
            {
                async Task Local() { await ForAsync(0, count, async (i, ct) => await Task.Delay((int)i)); await Task.Yield(); }
                _ = Local();
            }
        }
        """);

    [Fact]
    public Task No_fix_in_synchronous_code_or_for_targets_without_a_counterpart() => VerifyNoFix("""
        class C
        {
            async Task M(List<int> items)
            {
                items.ForEach([|async|] x => await Task.Delay(x));
                new Thread([|async|] () => await Task.Yield()).Start();
                var total = Parallel.ForEach(items, [|async|] x => await Task.Delay(x));
                await Task.Yield();
            }
            void N(int[] items) => Parallel.ForEach(items, [|async|] x => await Task.Delay(x));
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project_with_nested_loops()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                async Task M(int[][] grid)
                {
                    Parallel.ForEach(grid, [|async|] row =>
                    {
                        Parallel.For(0, row.Length, [|async|] i => await Task.Delay(row[i]));
                        await Task.Yield();
                    });
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { async Task M(string[] names) { Parallel.ForEach(names, [|async|] n => await Task.Delay(n.Length)); } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                async Task M(int[][] grid)
                {
                    await Parallel.ForEachAsync(grid, async (row, ct) =>
                    {
                        await Parallel.ForAsync(0, row.Length, async (i, ct1) => await Task.Delay(row[i]));
                        await Task.Yield();
                    });
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { async Task M(string[] names) { await Parallel.ForEachAsync(names, async (n, ct) => await Task.Delay(n.Length)); } }"));
        return test.RunAsync();
    }
}
