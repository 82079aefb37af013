using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.SelfDeadlockAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.SelfDeadlockCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>CONC102: a non-reentrant lock acquired again while held.</summary>
public class SelfDeadlockTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime.Threading;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) =>
        VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task Hold_inside_Hold_of_the_same_lock() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using ({|#1:_gate.Hold()|}) { using ({|#0:_gate.Hold()|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "'_gate.Hold()'"));

    [Fact]
    public Task Acquire_inside_try_finally_region() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { _gate.Acquire(); try { [|_gate.Acquire()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Through_a_call_to_a_method_of_the_same_instance() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Ledger
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            public void Post() { using ({|#1:_gate.Hold()|}) { {|#0:Audit()|}; } }
            private void Audit() { using (_gate.Hold()) { _n++; } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Audit() → _gate.Hold() (Test0.cs:7)"));

    [Fact]
    public Task Through_two_calls() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { [|A()|]; } }
            void A() => B();
            void B() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Using_declaration_holds_to_the_end_of_the_block() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using var held = _gate.Hold(); Console.WriteLine(); [|_gate.Acquire()|]; }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_with_one_slot() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            async Task M() { await _gate.WaitAsync(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_target_typed_through_a_call() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M() { await _gate.WaitAsync(); try { await [|N()|]; } finally { _gate.Release(); } }
            async Task N() { await _gate.WaitAsync(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlim_without_recursion() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            void M() { _rw.EnterWriteLock(); try { [|_rw.EnterWriteLock()|]; } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task Static_lock_and_static_call() => Verify("""
        static class Registry
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            public static void Add() { using (Gate.Hold()) { [|Count()|]; } }
            private static int Count() { using (Gate.Hold()) { return 0; } }
        }
        """);

    [Fact]
    public Task Property_getter_that_locks() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            void M() { using (_gate.Hold()) { [|Read()|]; } }
            int Read() { using (_gate.Hold()) { return _n; } }
        }
        """);

    [Fact]
    public Task Through_a_property_getter_of_the_same_instance() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Ledger
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _total;
            public int Total { get { using (_gate.Hold()) { return _total; } } }
            public void Post(int amount) { using ({|#1:_gate.Hold()|}) { _total += amount; Console.WriteLine({|#0:Total|}); } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Total.get → _gate.Hold() (Test0.cs:6)"));

    [Fact]
    public Task Through_an_indexer_setter_and_an_expression_bodied_property() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Table
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private readonly int[] _cells = new int[8];
            public int this[int i]
            {
                get => _cells[i];
                set { using (_gate.Hold()) { _cells[i] = value; } }
            }
            public int Sum => Total();
            public void Reset(int i) { using ({|#1:_gate.Hold()|}) { {|#0:this[i]|} = 0; } }
            public int Report() { using ({|#3:_gate.Hold()|}) { return {|#2:Sum|} + this[0]; } }
            private int Total() { using (_gate.Hold()) { return _cells.Length; } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "this[].set → _gate.Hold() (Test0.cs:9)"),
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(2).WithLocation(3).WithArguments("_gate", "Sum.get → Total() → _gate.Hold() (Test0.cs:14)"));

    [Fact]
    public Task Through_a_method_that_reads_a_property_that_locks() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _balance;
            public int Balance { get { _gate.Wait(); try { return _balance; } finally { _gate.Release(); } } }
            public void Withdraw(int amount) { {|#1:_gate.Wait()|}; try { {|#0:Check(amount)|}; _balance -= amount; } finally { _gate.Release(); } }
            private void Check(int amount) { if (Balance < amount) throw new InvalidOperationException(); }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Check() → Balance.get → _gate.Wait() (Test0.cs:6)"));

    [Fact]
    public Task Inside_property_and_indexer_accessors_that_hold_the_lock() => Verify("""
        class Counter
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;
            public int Value { get { _gate.Wait(); try { return [|Read()|]; } finally { _gate.Release(); } } }
            public int this[int i] { set { _gate.Wait(); try { [|_gate.Wait()|]; _n = value + i; } finally { _gate.Release(); } } }
            private int Read() { _gate.Wait(); try { return _n; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Generic_type_calling_a_generic_method() => Verify("""
        class Cache<TKey, TValue> where TKey : notnull
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private readonly System.Collections.Generic.Dictionary<TKey, TValue> _items = new();
            public void Put(TKey key, TValue value) { using (_gate.Hold()) { _items[key] = value; [|Trim<int>(16)|]; } }
            private void Trim<TLimit>(TLimit limit) { using (_gate.Hold()) { _items.Clear(); } }
        }
        """);

    [Fact]
    public Task Static_constructor_that_holds_the_lock() => Verify("""
        class Registry
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            private static readonly System.Collections.Generic.List<string> Names = new();
            static Registry() { using (Gate.Hold()) { [|Add("default")|]; } }
            public static void Add(string name) { using (Gate.Hold()) { Names.Add(name); } }
        }
        """);

    [Fact]
    public Task Through_a_partial_method() => Verify("""
        partial class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            partial void Touch();
            partial void Touch() { using (_gate.Hold()) { } }
            void M() { using (_gate.Hold()) { [|Touch()|]; } }
        }
        """);

    [Fact]
    public Task Top_level_statements_constructor_and_operator()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Usings + """
                using (Gates.Gate.Hold()) { [|Gates.Gate.Acquire()|]; }
                static class Gates { public static readonly Concurrency.Runtime.Threading.Lock Gate = new(); }
                class Account
                {
                    private readonly Concurrency.Runtime.Threading.Lock _gate = new();
                    public Account() { using (_gate.Hold()) { [|_gate.Acquire()|]; } }
                    public static Account operator +(Account a, Account b) { using (Gates.Gate.Hold()) { [|Gates.Gate.Acquire()|]; } return a; }
                }
                """,
        };
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task Partial_class_across_files_names_the_file_of_the_inner_acquisition()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Ledger.cs", Usings + """
            partial class Ledger
            {
                private readonly Concurrency.Runtime.Threading.Lock _gate = new();
                public void Post() { using ({|#1:_gate.Hold()|}) { {|#0:Audit()|}; } }
            }
            """));
        test.TestState.Sources.Add(("Ledger.Audit.cs", Usings + """
            partial class Ledger
            {
                private void Audit() { using (_gate.Hold()) { } }
            }
            """));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Audit() → _gate.Hold() (Ledger.Audit.cs:4)"));
        return test.RunAsync();
    }

    [Fact]
    public Task Static_call_into_another_class_that_takes_the_same_static_lock() => Verify("""
        static class Locks { public static readonly Concurrency.Runtime.Threading.Lock Io = new(); }
        static class Log { public static void Write(string line) { using (Locks.Io.Hold()) { Console.WriteLine(line); } } }
        class Exporter { public void Export() { using (Locks.Io.Hold()) { [|Log.Write("start")|]; } } }
        """);

    [Fact]
    public Task Compound_assignment_and_increment_run_the_setter() => Verify("""
        class Stats
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _hits;
            public int Hits { get => _hits; set { using (_gate.Hold()) { _hits = value; } } }
            public void Record(int n) { using (_gate.Hold()) { [|Hits|] += n; [|Hits|]++; } }
        }
        """);

    [Fact]
    public Task A_retry_from_a_catch_takes_the_lock_the_try_holds() => Verify("""
        class Uploader
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void Send()
            {
                _gate.Acquire();
                try { Write(); }
                catch (TimeoutException) { [|Send()|]; }
                finally { _gate.Release(); }
            }
            void Resend()
            {
                try { _gate.Acquire(); Write(); }
                catch (TimeoutException) { [|_gate.Acquire()|]; _gate.Release(); }
                finally { _gate.Release(); }
            }
            void Write() { }
        }
        """);

    [Fact]
    public Task Acquired_inside_a_try_whose_finally_releases_it() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { try { _gate.Acquire(); [|Audit()|]; } finally { _gate.Release(); } }
            void Audit() { using (_gate.Hold()) { } }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Reentrant_RLock_and_Monitor() => Verify("""
        class C
        {
            private readonly RLock _r = new();
            private readonly object _o = new object();
            void M() { using (_r.Hold()) { using (_r.Hold()) { } } lock (_o) { lock (_o) { } } }
        }
        """);

    [Fact]
    public Task Sequential_not_nested() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { } using (_gate.Hold()) { } }
        }
        """);

    [Fact]
    public Task Two_different_locks() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _a = new();
            private readonly Concurrency.Runtime.Threading.Lock _b = new();
            void M() { using (_a.Hold()) { using (_b.Hold()) { } } }
        }
        """);

    [Fact]
    public Task Semaphore_with_more_slots_and_recursive_RWLS() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _pool = new SemaphoreSlim(4, 4);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
            void M() { _pool.Wait(); try { _pool.Wait(); } finally { _pool.Release(); } _rw.EnterWriteLock(); try { _rw.EnterWriteLock(); } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task Calls_on_another_instance_take_another_lock() => Verify("""
        class Node
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private Node? _next;
            void M() { using (_gate.Hold()) { _next?.M(); } }
        }
        """);

    [Fact]
    public Task A_wrapper_calling_the_node_it_wraps_under_its_lock_takes_another_lock() => Verify("""
        class Node
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private readonly Node _inner = null!;
            public Node Inner => _inner;
            public void M(Node other) { using (_gate.Hold()) { _inner.N(); Inner.N(); other.N(); new Node().N(); Forward(); } }
            public void N() { using (_gate.Hold()) { } }
            private void Forward() => _inner.N();
        }
        """);

    [Fact]
    public Task A_lambda_created_under_the_lock_runs_later() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            Action M() { using (_gate.Hold()) { return () => { using (_gate.Hold()) { } }; } }
        }
        """);

    [Fact]
    public Task Callee_that_does_not_lock() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            void M() { using (_gate.Hold()) { Bump(); } }
            void Bump() => _n++;
        }
        """);

    [Fact]
    public Task Released_before_the_second_acquire() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { _gate.Acquire(); try { } finally { _gate.Release(); } _gate.Acquire(); _gate.Release(); }
        }
        """);

    [Fact]
    public Task Properties_and_indexers_that_do_not_lock() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            public int Count => _n;
            public string Name { get; set; } = "";
            public int this[int i] => _n + i;
            void M() { using (_gate.Hold()) { _n = Count + this[1]; Name = "x"; } }
        }
        """);

    [Fact]
    public Task Property_of_another_instance_takes_another_lock() => Verify("""
        class Node
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _value;
            private Node? _next;
            public int Value { get { using (_gate.Hold()) { return _value; } } set { using (_gate.Hold()) { _value = value; } } }
            public void CopyToNext() { using (_gate.Hold()) { if (_next is not null) { _next.Value = _value; } } }
            public Node Clone() { using (_gate.Hold()) { return new Node { Value = _value }; } }
        }
        """);

    [Fact]
    public Task Nameof_a_locking_property_does_not_run_it() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            public int Total { get { using (_gate.Hold()) { return _n; } } }
            void M() { using (_gate.Hold()) { Console.WriteLine(nameof(Total)); } }
        }
        """);

    [Fact]
    public Task Generic_type_calling_another_instance_and_a_method_that_does_not_lock() => Verify("""
        class Pipeline<T>
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private readonly Pipeline<T>? _downstream;
            private int _count;
            public void Push(T item) { using (_gate.Hold()) { _downstream?.Push(item); Count<string>("pushed"); } }
            private void Count<U>(U label) => _count++;
        }
        """);

    [Fact]
    public Task Static_constructor_calling_into_a_different_static_lock() => Verify("""
        class Config
        {
            private static readonly Concurrency.Runtime.Threading.Lock Load = new();
            private static readonly Concurrency.Runtime.Threading.Lock Save = new();
            static Config() { using (Load.Hold()) { Persist(); } }
            static void Persist() { using (Save.Hold()) { } }
        }
        """);

    [Fact]
    public Task Another_class_in_another_file_with_its_own_lock()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Orders.cs", Usings + "class Orders { private readonly Concurrency.Runtime.Threading.Lock _gate = new(); public void Add() { using (_gate.Hold()) { Audit.Record(\"order\"); } } }"));
        test.TestState.Sources.Add(("Audit.cs", Usings + "static class Audit { private static readonly Concurrency.Runtime.Threading.Lock Gate = new(); public static void Record(string what) { using (Gate.Hold()) { } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_catch_outside_the_held_region_retries_freely() => Verify("""
        class Uploader
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void Send()
            {
                try { _gate.Acquire(); try { Write(); } finally { _gate.Release(); } }
                catch (TimeoutException) { Send(); }
            }
            void Resend()
            {
                try { _gate.Acquire(); Write(); _gate.Release(); Audit(); }
                catch (TimeoutException) { Audit(); }
                finally { Write(); }
            }
            void Audit() { using (_gate.Hold()) { } }
            void Write() { }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Lock_field_becomes_RLock() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock("ledger");
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { using (_gate.Hold()) { } }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new Concurrency.Runtime.Threading.RLock("ledger");
            void M() { using (_gate.Hold()) { N(); } }
            void N() { using (_gate.Hold()) { } }
        }
        """);

    [Fact]
    public Task Target_typed_new_is_kept() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { using ([|_gate.Hold()|]) { } } }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new();
            void M() { using (_gate.Hold()) { using (_gate.Hold()) { } } }
        }
        """);

    [Fact]
    public Task No_fix_for_a_semaphore() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            void M() { _gate.Wait(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            void M() { _gate.Wait(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task No_fix_for_a_lock_type_written_through_an_alias() => VerifyCS.VerifyCodeFixAsync("using LockType = Concurrency.Runtime.Threading.Lock;\n" + Usings + """
        class C
        {
            private readonly LockType _gate = new LockType();
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """, "using LockType = Concurrency.Runtime.Threading.Lock;\n" + Usings + """
        class C
        {
            private readonly LockType _gate = new LockType();
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task No_fix_when_the_field_is_declared_in_another_document()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Fields.cs", Usings + "partial class C { private readonly Concurrency.Runtime.Threading.Lock _g = new(); }"));
        test.TestState.Sources.Add(("Use.cs", Usings + "partial class C { void M() { using (_g.Hold()) { using ([|_g.Hold()|]) { } } } }"));
        test.FixedState.Sources.Add(("Fields.cs", Usings + "partial class C { private readonly Concurrency.Runtime.Threading.Lock _g = new(); }"));
        test.FixedState.Sources.Add(("Use.cs", Usings + "partial class C { void M() { using (_g.Hold()) { using ([|_g.Hold()|]) { } } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { private readonly Concurrency.Runtime.Threading.Lock _g = new(); void M() { using (_g.Hold()) { [|N()|]; [|N()|]; } } void N() { using (_g.Hold()) { } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { private readonly Concurrency.Runtime.Threading.Lock _g = new(); void M() { _g.Acquire(); try { [|_g.Acquire()|]; } finally { _g.Release(); } } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { private readonly Concurrency.Runtime.Threading.RLock _g = new(); void M() { using (_g.Hold()) { N(); N(); } } void N() { using (_g.Hold()) { } } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { private readonly Concurrency.Runtime.Threading.RLock _g = new(); void M() { _g.Acquire(); try { _g.Acquire(); } finally { _g.Release(); } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_for_a_site_through_a_property() => VerifyFix("""
        class Ledger
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _total;
            public int Total { get { using (_gate.Hold()) { return _total; } } }
            public void Post(int amount) { using (_gate.Hold()) { _total += amount; Console.WriteLine([|Total|]); } }
        }
        """, """
        class Ledger
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new();
            private int _total;
            public int Total { get { using (_gate.Hold()) { return _total; } } }
            public void Post(int amount) { using (_gate.Hold()) { _total += amount; Console.WriteLine(Total); } }
        }
        """);

    [Fact]
    public Task Fix_in_a_generic_type() => VerifyFix("""
        class Cache<T>
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock("cache");
            private readonly System.Collections.Generic.List<T> _items = new();
            public void Add(T item) { using (_gate.Hold()) { _items.Add(item); [|Evict<int>(8)|]; } }
            private void Evict<TLimit>(TLimit limit) { using (_gate.Hold()) { _items.Clear(); } }
        }
        """, """
        class Cache<T>
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new Concurrency.Runtime.Threading.RLock("cache");
            private readonly System.Collections.Generic.List<T> _items = new();
            public void Add(T item) { using (_gate.Hold()) { _items.Add(item); Evict<int>(8); } }
            private void Evict<TLimit>(TLimit limit) { using (_gate.Hold()) { _items.Clear(); } }
        }
        """);

    [Fact]
    public Task Fix_for_a_static_lock_held_in_a_static_constructor() => VerifyFix("""
        class Registry
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            static Registry() { using (Gate.Hold()) { [|Add("default")|]; } }
            public static void Add(string name) { using (Gate.Hold()) { } }
        }
        """, """
        class Registry
        {
            private static readonly Concurrency.Runtime.Threading.RLock Gate = new();
            static Registry() { using (Gate.Hold()) { Add("default"); } }
            public static void Add(string name) { using (Gate.Hold()) { } }
        }
        """);

    [Fact]
    public Task Fix_all_across_files_with_property_and_indexer_sites()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Ledger.cs", Usings + """
            class Ledger
            {
                private readonly Concurrency.Runtime.Threading.Lock _gate = new();
                private int _total;
                public int Total { get { using (_gate.Hold()) { return _total; } } }
                public void Post(int amount) { using (_gate.Hold()) { _total += amount; Console.WriteLine([|Total|]); [|Audit()|]; } }
                private void Audit() { using (_gate.Hold()) { } }
            }
            """));
        test.TestState.Sources.Add(("Table.cs", Usings + """
            class Table<T>
            {
                private readonly Concurrency.Runtime.Threading.Lock _gate = new();
                private readonly T[] _cells = new T[4];
                public T this[int i] { get { using (_gate.Hold()) { return _cells[i]; } } set { using (_gate.Hold()) { _cells[i] = value; } } }
                public void Swap(int a, int b) { using (_gate.Hold()) { var t = [|this[a]|]; [|this[a]|] = [|this[b]|]; [|this[b]|] = t; } }
            }
            """));
        test.FixedState.Sources.Add(("Ledger.cs", Usings + """
            class Ledger
            {
                private readonly Concurrency.Runtime.Threading.RLock _gate = new();
                private int _total;
                public int Total { get { using (_gate.Hold()) { return _total; } } }
                public void Post(int amount) { using (_gate.Hold()) { _total += amount; Console.WriteLine(Total); Audit(); } }
                private void Audit() { using (_gate.Hold()) { } }
            }
            """));
        test.FixedState.Sources.Add(("Table.cs", Usings + """
            class Table<T>
            {
                private readonly Concurrency.Runtime.Threading.RLock _gate = new();
                private readonly T[] _cells = new T[4];
                public T this[int i] { get { using (_gate.Hold()) { return _cells[i]; } } set { using (_gate.Hold()) { _cells[i] = value; } } }
                public void Swap(int a, int b) { using (_gate.Hold()) { var t = this[a]; this[a] = this[b]; this[b] = t; } }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_in_a_partial_class_changes_the_field_in_its_own_file()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Ledger.cs", Usings + "partial class Ledger { private readonly Concurrency.Runtime.Threading.Lock _gate = new(); public void Post() { using (_gate.Hold()) { [|Audit()|]; } } }"));
        test.TestState.Sources.Add(("Ledger.Audit.cs", Usings + "partial class Ledger { private void Audit() { using (_gate.Hold()) { } } public void Close() { using (_gate.Hold()) { [|Audit()|]; } } }"));
        test.FixedState.Sources.Add(("Ledger.cs", Usings + "partial class Ledger { private readonly Concurrency.Runtime.Threading.RLock _gate = new(); public void Post() { using (_gate.Hold()) { Audit(); } } }"));
        test.FixedState.Sources.Add(("Ledger.Audit.cs", Usings + "partial class Ledger { private void Audit() { using (_gate.Hold()) { } } public void Close() { using (_gate.Hold()) { Audit(); } } }"));
        return test.RunAsync();
    }

    // ---- one summary engine: lambdas a callee runs at once ----

    private const string BclUsings = "using System; using System.Threading;\n";

    [Fact]
    public Task A_lambda_a_callee_runs_before_returning_takes_the_lock_again() => VerifyCS.VerifyAnalyzerAsync(BclUsings + """
        using System.Collections.Generic;
        class Inventory
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly List<int> _items = new();
            public void Add(int item) { {|#1:_gate.Wait()|}; try { {|#0:Count()|}; _items.Add(item); } finally { _gate.Release(); } }
            private int Count() { var n = 0; _items.ForEach(i => { _gate.Wait(); try { n++; } finally { _gate.Release(); } }); return n; }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Count() → _gate.Wait() (Test0.cs:8)"));

    [Fact]
    public Task A_lambda_a_callee_only_stores_does_not_take_the_lock_under_the_caller() => VerifyCS.VerifyAnalyzerAsync(BclUsings + """
        class Inventory
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private Action? _later;
            public void Add() { _gate.Wait(); try { Schedule(); } finally { _gate.Release(); } }
            private void Schedule() => _later = () => { _gate.Wait(); _gate.Release(); };
        }
        """);

    [Fact]
    public Task A_chain_through_calls_within_the_depth_is_named_in_full() => VerifyCS.VerifyAnalyzerAsync(BclUsings + """
        class Ledger
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            public void Post() { {|#1:_gate.Wait()|}; try { {|#0:A()|}; } finally { _gate.Release(); } }
            void A() => B(); void B() => C(); void C() => D(); void D() => E();
            void E() { _gate.Wait(); _gate.Release(); }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "A() → B() → C() → D() → E() → _gate.Wait() (Test0.cs:7)"));

    [Fact]
    public Task A_property_that_returns_the_held_semaphore_is_the_same_lock() => VerifyCS.VerifyAnalyzerAsync(BclUsings + """
        class Cache
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private SemaphoreSlim Gate => _gate;
            void Refresh() { {|#1:Gate.Wait()|}; try { {|#0:_gate.Wait()|}; } finally { _gate.Release(); } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "'_gate.Wait()'"));

    [Fact]
    public Task Lock_on_this_taken_again_is_reentrant() => VerifyCS.VerifyAnalyzerAsync(BclUsings + """
        class Ledger
        {
            void Post() { lock (this) { Audit(); } }
            void Audit() { lock (this) { } }
        }
        """);
}
