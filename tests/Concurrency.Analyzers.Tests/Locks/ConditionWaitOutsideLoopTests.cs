using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Locks.ConditionWaitOutsideLoopAnalyzer,
    Concurrency.CodeFixes.Locks.ConditionWaitInLoopCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Locks;

/// <summary>CONC105: a condition wait outside a loop that re-checks its predicate.</summary>
public class ConditionWaitOutsideLoopTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    private const string Runtime = """
        namespace Concurrency.Runtime.Threading
        {
            public sealed class Condition
            {
                public bool Wait(TimeSpan? timeout = null) => true;
                public bool WaitFor(Func<bool> predicate, TimeSpan? timeout = null) => predicate();
                public void Notify(int n = 1) { }
            }
        }
        """;

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source + "\n" + Runtime);

    private static Task VerifyFix(string source, string fixedSource) =>
        VerifyCS.VerifyCodeFixAsync(Usings + source + "\n" + Runtime, Usings + fixedSource + "\n" + Runtime);

    // ---- positives ----

    [Fact]
    public Task Monitor_Wait_under_an_if() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;
            void M() { lock (_gate) { if (!_ready) {|#0:Monitor.Wait(_gate)|}; } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.ConditionWaitOutsideLoop).WithLocation(0).WithArguments("Monitor.Wait"));

    [Fact]
    public Task Monitor_Wait_without_any_check() => Verify("""
        class C { private readonly object _gate = new object(); void M() { lock (_gate) { [|Monitor.Wait(_gate)|]; } } }
        """);

    [Fact]
    public Task Monitor_Wait_with_a_timeout_as_a_condition() => Verify("""
        class C { private readonly object _gate = new object(); bool M() { lock (_gate) { return [|Monitor.Wait(_gate, 100)|]; } } }
        """);

    [Fact]
    public Task Runtime_condition_under_an_if() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<int> _items = new();
            int Take() { if (_items.Count == 0) { [|_changed.Wait()|]; } return _items.Dequeue(); }
        }
        """);

    [Fact]
    public Task Runtime_condition_with_a_timeout() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            bool M() => [|_changed.Wait(TimeSpan.FromSeconds(1))|];
        }
        """);

    [Fact]
    public Task Wait_in_a_lambda_inside_a_loop_is_not_in_that_loop() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M(List<Action> actions) { while (actions.Count < 3) { actions.Add(() => [|Monitor.Wait(_gate)|]); } }
        }
        """);

    [Fact]
    public Task Wait_in_a_local_function() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M() { while (true) { Wait(); break; } void Wait() { lock (_gate) { [|Monitor.Wait(_gate)|]; } } }
        }
        """);

    [Fact]
    public Task Wait_in_a_try_under_an_if() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;
            void M() { lock (_gate) { if (!_ready) { try { [|Monitor.Wait(_gate)|]; } catch (ThreadInterruptedException) { } } } }
        }
        """);

    [Fact]
    public Task Wait_in_a_property_and_a_constructor() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            C() { lock (_gate) { [|Monitor.Wait(_gate, 1)|]; } }
            bool Ready { get { lock (_gate) { return [|Monitor.Wait(_gate, 1)|]; } } }
        }
        """);

    [Fact]
    public Task Wait_through_using_static() => VerifyCS.VerifyAnalyzerAsync("using static System.Threading.Monitor;\n" + Usings + """
        class C { private readonly object _gate = new object(); void M() { lock (_gate) { [|Wait(_gate)|]; } } }
        """);

    // ---- negatives ----

    [Fact]
    public Task Monitor_Wait_in_a_while_loop() => Verify("""
        class C { private readonly object _gate = new object(); private bool _ready; void M() { lock (_gate) { while (!_ready) Monitor.Wait(_gate); } } }
        """);

    [Fact]
    public Task Monitor_Wait_in_do_and_for_loops() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _count;
            void M() { lock (_gate) { do { Monitor.Wait(_gate); } while (_count == 0); for (; _count < 3;) { Monitor.Wait(_gate); } } }
        }
        """);

    [Fact]
    public Task Runtime_condition_in_a_loop_or_WaitFor() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private bool _ready;
            void M() { while (!_ready) { _changed.Wait(); } _changed.WaitFor(() => _ready); }
        }
        """);

    [Fact]
    public Task Wait_in_foreach_body() => Verify("""
        class C { private readonly object _gate = new object(); void M(int[] xs) { lock (_gate) { foreach (var x in xs) { if (x > 0) Monitor.Wait(_gate); } } } }
        """);

    [Fact]
    public Task Pulse_and_other_waits_are_not_condition_waits() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M(ManualResetEventSlim e, SemaphoreSlim s) { lock (_gate) { Monitor.Pulse(_gate); Monitor.PulseAll(_gate); } e.Wait(); s.Wait(); }
        }
        """);

    [Fact]
    public Task A_method_named_Wait_elsewhere() => Verify("""
        class Door { public void Wait() { } }
        class C { void M(Door d) { d.Wait(); } }
        """);

    [Fact]
    public Task Wait_in_a_while_loop_of_a_lambda() => Verify("""
        class C { private readonly object _gate = new object(); private bool _ready; Action M() => () => { lock (_gate) { while (!_ready) Monitor.Wait(_gate); } }; }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { private readonly object _gate = new object(); void M() { lock (_gate) { Monitor.Wait(_gate); } } }
        """);

    // ---- fixes ----

    [Fact]
    public Task If_becomes_while_for_Monitor_Wait() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    // wait for the producer
                    if (!_ready)
                    {
                        [|Monitor.Wait(_gate)|];
                    }
                }
            }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    // wait for the producer
                    while (!_ready)
                    {
                        Monitor.Wait(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task If_without_braces_becomes_while() => VerifyFix("""
        class C { private readonly object _gate = new object(); private int _n; void M() { lock (_gate) { if (_n == 0) [|Monitor.Wait(_gate, 50)|]; } } }
        """, """
        class C { private readonly object _gate = new object(); private int _n; void M() { lock (_gate) { while (_n == 0) Monitor.Wait(_gate, 50); } } }
        """);

    [Fact]
    public Task Runtime_condition_under_if_becomes_WaitFor() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private bool _ready;
            void M() { if (!_ready) { [|_changed.Wait()|]; } }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private bool _ready;
            void M() { _changed.WaitFor(() => _ready); }
        }
        """);

    [Fact]
    public Task WaitFor_negates_a_compound_condition() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<int> _items = new();
            private bool _closed;
            void M() { if (_items.Count == 0 && !_closed) [|_changed.Wait()|]; }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<int> _items = new();
            private bool _closed;
            void M() { _changed.WaitFor(() => !(_items.Count == 0 && !_closed)); }
        }
        """);

    [Fact]
    public Task No_fix_when_the_wait_is_not_alone_under_an_if() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;
            private int _waits;
            void M() { lock (_gate) { if (!_ready) { _waits++; [|Monitor.Wait(_gate)|]; } else { _waits--; } [|Monitor.Wait(_gate)|]; } }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private bool _ready;
            private int _waits;
            void M() { lock (_gate) { if (!_ready) { _waits++; [|Monitor.Wait(_gate)|]; } else { _waits--; } [|Monitor.Wait(_gate)|]; } }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { readonly object _g = new object(); bool _a, _b; void M() { lock (_g) { if (!_a) [|Monitor.Wait(_g)|]; if (!_b) [|Monitor.Wait(_g)|]; } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { readonly object _g = new object(); int _n; void M() { lock (_g) { if (_n < 1) { [|Monitor.Wait(_g)|]; } } } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { readonly object _g = new object(); bool _a, _b; void M() { lock (_g) { while (!_a) Monitor.Wait(_g); while (!_b) Monitor.Wait(_g); } } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { readonly object _g = new object(); int _n; void M() { lock (_g) { while (_n < 1) { Monitor.Wait(_g); } } } }"));
        return test.RunAsync();
    }
}
