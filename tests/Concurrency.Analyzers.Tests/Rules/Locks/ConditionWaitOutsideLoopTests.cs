using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.ConditionWaitOutsideLoopAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.ConditionWaitOutsideLoopCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>CONC105: a condition wait outside a loop that re-checks its predicate.</summary>
public class ConditionWaitOutsideLoopTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) =>
        VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

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

    [Fact]
    public Task Wait_in_an_indexer_and_a_static_constructor() => Verify("""
        class Board
        {
            private static readonly object Gate = new object();
            private static bool s_loaded;
            private readonly object _gate = new object();
            private readonly int[] _slots = new int[4];
            static Board() { lock (Gate) { if (!s_loaded) [|Monitor.Wait(Gate, 100)|]; } }
            public int this[int i] { get { lock (_gate) { if (_slots[i] == 0) [|Monitor.Wait(_gate)|]; return _slots[i]; } } }
        }
        """);

    [Fact]
    public Task Wait_in_a_generic_method_of_a_generic_type() => Verify("""
        class Channel<T>
        {
            private readonly object _gate = new object();
            private readonly Queue<T> _items = new();
            public TResult Take<TResult>(Func<T, TResult> map) { lock (_gate) { if (_items.Count == 0) [|Monitor.Wait(_gate)|]; return map(_items.Dequeue()); } }
        }
        """);

    [Fact]
    public Task A_loop_in_a_caller_in_another_part_of_a_partial_class_does_not_count()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Buffer.cs", Usings + "partial class Buffer { private readonly object _gate = new object(); private int _count; private void WaitOnce() { lock (_gate) { [|Monitor.Wait(_gate)|]; } } }"));
        test.TestState.Sources.Add(("Buffer.Take.cs", Usings + "partial class Buffer { public void WaitForItems() { while (_count == 0) { WaitOnce(); } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Wait_on_a_condition_of_another_class() => Verify("""
        class Signals { public readonly Concurrency.Runtime.Threading.Condition Changed = new(); public bool Ready; }
        class Consumer { public void Run(Signals signals) { if (!signals.Ready) [|signals.Changed.Wait()|]; } }
        """);

    [Fact]
    public Task A_timed_wait_without_a_second_test() => Verify("""
        class Cell
        {
            private readonly object _gate = new object();
            private object _value;
            private bool _set;
            public object Get(int milliseconds)
            {
                lock (_gate)
                {
                    if (!_set)
                    {
                        [|Monitor.Wait(_gate, milliseconds)|];
                    }
                    return _value;
                }
            }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task A_timed_wait_whose_condition_is_tested_again() => Verify("""
        class Cell
        {
            private object _value;
            private bool _set;
            public bool TryGet(int milliseconds, out object result)
            {
                lock (this)
                {
                    if (!_set)
                    {
                        Monitor.Wait(this, milliseconds);
                        if (!_set) { result = null; return false; }
                    }
                    result = _value;
                    return true;
                }
            }
        }
        """);


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

    [Fact]
    public Task Loops_in_an_indexer_and_a_static_constructor() => Verify("""
        class Board
        {
            private static readonly object Gate = new object();
            private static bool s_loaded;
            private readonly object _gate = new object();
            private readonly int[] _slots = new int[4];
            static Board() { lock (Gate) { while (!s_loaded) Monitor.Wait(Gate, 100); } }
            public int this[int i] { get { lock (_gate) { while (_slots[i] == 0) Monitor.Wait(_gate); return _slots[i]; } } }
        }
        """);

    [Fact]
    public Task Loops_and_WaitFor_in_generic_types_and_methods() => Verify("""
        class Channel<T>
        {
            private readonly object _gate = new object();
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<T> _items = new();
            public TResult Take<TResult>(Func<T, TResult> map) { lock (_gate) { while (_items.Count == 0) Monitor.Wait(_gate); return map(_items.Dequeue()); } }
            public T Peek<TState>(TState state) { _changed.WaitFor(() => _items.Count > 0); return _items.Peek(); }
        }
        """);

    [Fact]
    public Task Loops_in_both_parts_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Buffer.cs", Usings + "partial class Buffer { private readonly object _gate = new object(); private int _count; public void Take() { lock (_gate) { while (_count == 0) { Monitor.Wait(_gate); } _count--; } } }"));
        test.TestState.Sources.Add(("Buffer.Drain.cs", Usings + "partial class Buffer { public void Drain() { lock (_gate) { do { Monitor.Wait(_gate, 10); } while (_count > 0); } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task User_types_named_Monitor_and_Condition() => Verify("""
        namespace App
        {
            static class Monitor { public static bool Wait(object o) => true; }
            class Condition { public void Wait() { } }
            class C { void M(Condition c, object o) { Monitor.Wait(o); c.Wait(); } }
        }
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

    [Fact]
    public Task If_becomes_while_in_an_indexer_and_a_static_constructor() => VerifyFix("""
        class Board
        {
            private static readonly object Gate = new object();
            private static bool s_loaded;
            private readonly object _gate = new object();
            private readonly int[] _slots = new int[4];
            static Board() { lock (Gate) { if (!s_loaded) [|Monitor.Wait(Gate, 100)|]; } }
            public int this[int i] { get { lock (_gate) { if (_slots[i] == 0) { [|Monitor.Wait(_gate)|]; } return _slots[i]; } } }
        }
        """, """
        class Board
        {
            private static readonly object Gate = new object();
            private static bool s_loaded;
            private readonly object _gate = new object();
            private readonly int[] _slots = new int[4];
            static Board() { lock (Gate) { while (!s_loaded) Monitor.Wait(Gate, 100); } }
            public int this[int i] { get { lock (_gate) { while (_slots[i] == 0) { Monitor.Wait(_gate); } return _slots[i]; } } }
        }
        """);

    [Fact]
    public Task WaitFor_in_a_generic_method_of_a_generic_type() => VerifyFix("""
        class Channel<T>
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<T> _items = new();
            public TResult Take<TResult>(Func<T, TResult> map) { if (_items.Count == 0) { [|_changed.Wait()|]; } return map(_items.Dequeue()); }
        }
        """, """
        class Channel<T>
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            private readonly Queue<T> _items = new();
            public TResult Take<TResult>(Func<T, TResult> map) { _changed.WaitFor(() => !(_items.Count == 0)); return map(_items.Dequeue()); }
        }
        """);

    [Fact]
    public Task WaitFor_on_a_condition_of_another_class() => VerifyFix("""
        class Signals { public readonly Concurrency.Runtime.Threading.Condition Changed = new(); public bool Ready; }
        class Consumer { public void Run(Signals signals) { if (!signals.Ready) [|signals.Changed.Wait()|]; } }
        """, """
        class Signals { public readonly Concurrency.Runtime.Threading.Condition Changed = new(); public bool Ready; }
        class Consumer { public void Run(Signals signals) { signals.Changed.WaitFor(() => signals.Ready); } }
        """);

    [Fact]
    public Task Fix_all_in_a_partial_class_across_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Buffer.cs", Usings + "partial class Buffer { private readonly object _gate = new object(); private int _count; public void Take() { lock (_gate) { if (_count == 0) [|Monitor.Wait(_gate)|]; _count--; } } public int this[int min] { get { lock (_gate) { if (_count < min) { [|Monitor.Wait(_gate, 10)|]; } return _count; } } } }"));
        test.TestState.Sources.Add(("Buffer.Signals.cs", Usings + "partial class Buffer { private readonly Concurrency.Runtime.Threading.Condition _changed = new(); private bool _open; public void AwaitOpen() { if (!_open) { [|_changed.Wait()|]; } } }"));
        test.FixedState.Sources.Add(("Buffer.cs", Usings + "partial class Buffer { private readonly object _gate = new object(); private int _count; public void Take() { lock (_gate) { while (_count == 0) Monitor.Wait(_gate); _count--; } } public int this[int min] { get { lock (_gate) { while (_count < min) { Monitor.Wait(_gate, 10); } return _count; } } } }"));
        test.FixedState.Sources.Add(("Buffer.Signals.cs", Usings + "partial class Buffer { private readonly Concurrency.Runtime.Threading.Condition _changed = new(); private bool _open; public void AwaitOpen() { _changed.WaitFor(() => _open); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task If_becomes_while_where_a_lambda_cannot_read_the_condition() => VerifyFix("""
        struct Latch
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed;
            private bool _open;
            public Latch(Concurrency.Runtime.Threading.Condition changed) { _changed = changed; _open = false; }
            public void Await() { if (!_open) [|_changed.Wait()|]; }
        }
        class Waiter
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            public void Await(ref bool open) { if (!open) { [|_changed.Wait()|]; } }
        }
        """, """
        struct Latch
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed;
            private bool _open;
            public Latch(Concurrency.Runtime.Threading.Condition changed) { _changed = changed; _open = false; }
            public void Await() { while (!_open) _changed.Wait(); }
        }
        class Waiter
        {
            private readonly Concurrency.Runtime.Threading.Condition _changed = new();
            public void Await(ref bool open) { while (!open) { _changed.Wait(); } }
        }
        """);
}
