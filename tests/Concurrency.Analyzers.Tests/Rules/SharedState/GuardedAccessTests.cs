using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.GuardedAccessAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.GuardedAccessCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC305: [GuardedBy] members accessed and [RequiresLock] methods called without their lock; and the fix.</summary>
public class GuardedAccessTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime; using Concurrency.Runtime.Threading;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Access(int location, string member, string gate) =>
        VerifyCS.Diagnostic(RuleDescriptors.GuardedAccess).WithLocation(location).WithArguments(member, gate);

    private static DiagnosticResult Call(int location, string method, string gate) =>
        VerifyCS.Diagnostic(RuleDescriptors.RequiresLockCall).WithLocation(location).WithArguments(method, gate);

    // ---- positives ----

    [Fact]
    public Task A_read_and_a_write_outside_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public int Read() => {|#0:_count|};
            public void Reset() { {|#1:_count|} = 0; }
        }
        """,
        Access(0, "_count", "_gate"),
        Access(1, "_count", "_gate"));

    [Fact]
    public Task Held_lock_is_another_one() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private readonly object _other = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void Increment() { lock (_other) { {|#0:_count|}++; } }
        }
        """,
        Access(0, "_count", "_gate"));

    [Fact]
    public Task After_the_release_the_lock_is_not_held() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void Increment()
            {
                Monitor.Enter(_gate);
                _count++;
                Monitor.Exit(_gate);
                {|#0:_count|}++;
            }
        }
        """,
        Access(0, "_count", "_gate"));

    [Fact]
    public Task A_lambda_does_not_hold_the_lock_of_the_code_that_creates_it() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public Task Later()
            {
                lock (_gate)
                {
                    return Task.Run(() => {|#0:_count|}++);
                }
            }
        }
        """,
        Access(0, "_count", "_gate"));

    [Fact]
    public Task A_RequiresLock_method_called_without_the_lock() => Verify("""
        class Buffer
        {
            private readonly object _gate = new object();
            private readonly List<int> _items = new List<int>();
            [RequiresLock(nameof(_gate))] private void AppendLocked(int item) => _items.Add(item);
            public void Add(int item) => {|#0:AppendLocked|}(item);
        }
        """,
        Call(0, "AppendLocked", "_gate"));

    [Fact]
    public Task A_runtime_lock_and_a_property() => Verify("""
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            [GuardedBy(nameof(_gate))] public decimal Balance { get; private set; }
            public void Deposit(decimal amount)
            {
                using (_gate.Hold())
                {
                    Balance += amount;
                }
            }
            public bool IsEmpty() => {|#0:Balance|} == 0;
        }
        """,
        Access(0, "Balance", "_gate"));

    [Fact]
    public Task Another_objects_member_and_a_static_field() => Verify("""
        class Node
        {
            private static readonly object s_gate = new object();
            [GuardedBy(nameof(s_gate))] private static int s_count;
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private Node _next;
            public static void Count() => {|#0:s_count|}++;
            public Node Skip(Node other) { lock (_gate) { return {|#1:other._next|}; } }
        }
        """,
        Access(0, "s_count", "s_gate"),
        Access(1, "_next", "_gate"));

    [Fact]
    public Task Guarded_by_this_and_a_GuardedBy_attribute_of_our_own() => Verify("""
        [AttributeUsage(AttributeTargets.Field)]
        sealed class GuardedByAttribute : Attribute { public GuardedByAttribute(string lockName) { } }
        class Cache
        {
            [GuardedBy("this")] private int _hits;
            public void Hit() { {|#0:_hits|}++; }
            public void Miss() { lock (this) { _hits--; } }
        }
        """.Replace("using Concurrency.Runtime;", ""),
        Access(0, "_hits", "this"));

    [Fact]
    public Task In_a_generic_and_partial_type_across_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Pool.cs", Usings + """
            partial class Pool<T>
            {
                private readonly object _gate = new object();
                [GuardedBy(nameof(_gate))] private readonly Stack<T> _free = new Stack<T>();
            }
            """));
        test.TestState.Sources.Add(("Pool.Rent.cs", Usings + """
            partial class Pool<T>
            {
                public T Rent() => {|#0:_free|}.Pop();
                public void Return(T item) { lock (_gate) { _free.Push(item); } }
            }
            """));
        test.ExpectedDiagnostics.Add(Access(0, "_free", "_gate"));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task A_private_method_called_once_without_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void A() { lock (_gate) { Bump(); } }
            public void B() => Bump();
            private void Bump() => {|#0:_count|}++;
        }
        """,
        Access(0, "_count", "_gate"));

    [Fact]
    public Task In_a_local_function_and_once_per_statement() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void A()
            {
                void Twice() { {|#0:_count|} = _count + 1; }
                Twice();
            }
        }
        """,
        Access(0, "_count", "_gate"));

    [Fact]
    public Task An_indexer_on_a_guarded_dictionary() => Verify("""
        class Registry
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private readonly Dictionary<string, int> _ids = new Dictionary<string, int>();
            public int this[string name] => {|#0:_ids|}[name];
            public void Add(string name, int id) { lock (_gate) { _ids[name] = id; } }
        }
        """,
        Access(0, "_ids", "_gate"));

    // ---- negatives ----

    [Fact]
    public Task Every_access_under_the_lock_in_its_forms() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(1, 1);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            [GuardedBy(nameof(_gate))] private int _count;
            [GuardedBy(nameof(_slots))] private int _slotted;
            [GuardedBy(nameof(_rw))] private int _read;
            public void A() { lock (_gate) { _count++; } }
            public void B() { Monitor.Enter(_gate); try { _count++; } finally { Monitor.Exit(_gate); } }
            public void C() { if (Monitor.TryEnter(_gate)) { try { _count++; } finally { Monitor.Exit(_gate); } } }
            public void D() { _slots.Wait(); try { _slotted++; } finally { _slots.Release(); } }
            public int E() { _rw.EnterReadLock(); try { return _read; } finally { _rw.ExitReadLock(); } }
        }
        """);

    [Fact]
    public Task Runtime_Hold_scopes_and_using_declarations() => Verify("""
        class Account
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new Concurrency.Runtime.Threading.RLock();
            [GuardedBy(nameof(_gate))] private decimal _balance;
            public void A() { using (_gate.Hold()) { _balance++; } }
            public void B() { using var held = _gate.Hold(); _balance--; }
            public void C() { _gate.Acquire(); try { _balance = 0; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Constructors_initializers_and_nameof() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count = 1;
            [GuardedBy(nameof(_gate))] private List<int> _items = new List<int>();
            public Counter(int start) { _count = start; _items.Add(start); }
            public string Name => nameof(_count);
        }
        """);

    [Fact]
    public Task RequiresLock_callers_hold_it_and_RequiresLock_methods_count_as_holding() => Verify("""
        class Buffer
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private readonly List<int> _items = new List<int>();
            [RequiresLock(nameof(_gate))] private void AppendLocked(int item) => _items.Add(item);
            [RequiresLock(nameof(_gate))] private void AppendTwiceLocked(int item) { AppendLocked(item); AppendLocked(item); }
            public void Add(int item) { lock (_gate) { AppendLocked(item); AppendTwiceLocked(item); } }
        }
        """);

    [Fact]
    public Task A_private_method_every_caller_calls_under_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void A() { lock (_gate) { Bump(); } }
            public void B() { lock (_gate) { Bump(); Bump(); } }
            private void Bump() => _count++;
        }
        """);

    [Fact]
    public Task No_attribute_no_protocol() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void A() { lock (_gate) { _count++; } }
            public int B() => _count;
        }
        """);

    [Fact]
    public Task An_attribute_that_names_no_member_is_not_checked() => Verify("""
        class Counter
        {
            [GuardedBy("_missing")] private int _count;
            public int B() => _count;
        }
        """);

    [Fact]
    public Task A_guarded_propertys_own_accessors() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _value;
            [GuardedBy(nameof(_gate))] public int Value { get => _value; set => _value = value; }
            public void Set(int v) { lock (_gate) { Value = v; } }
        }
        """);

    [Fact]
    public Task Nested_locks_and_a_lock_held_by_this() => Verify("""
        class Cache
        {
            private readonly object _outer = new object();
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _hits;
            [GuardedBy("this")] private int _misses;
            public void Hit() { lock (_outer) { lock (_gate) { if (_hits > 0) { _hits++; } } } }
            public void Miss() { lock (this) { _misses++; } }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_wraps_the_statement_in_the_lock() => VerifyFix("""
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void Reset()
            {
                Console.WriteLine("reset");
                [|_count|] = 0;
            }
        }
        """, """
        class Counter
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            public void Reset()
            {
                Console.WriteLine("reset");
                lock (_gate)
                {
                    _count = 0;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_uses_Hold_for_a_runtime_primitive() => VerifyFix("""
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            [GuardedBy(nameof(_gate))] private decimal _balance;
            public void Deposit(decimal amount)
            {
                [|_balance|] += amount;
            }
        }
        """, """
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            [GuardedBy(nameof(_gate))] private decimal _balance;
            public void Deposit(decimal amount)
            {
                using (_gate.Hold())
                {
                    _balance += amount;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_wraps_a_call_of_a_RequiresLock_method_and_a_return() => VerifyFix("""
        class Buffer
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private readonly List<int> _items = new List<int>();
            [RequiresLock(nameof(_gate))] private void AppendLocked(int item) => _items.Add(item);
            public void Add(int item)
            {
                [|AppendLocked|](item);
            }
            public int Count()
            {
                return [|_items|].Count;
            }
        }
        """, """
        class Buffer
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private readonly List<int> _items = new List<int>();
            [RequiresLock(nameof(_gate))] private void AppendLocked(int item) => _items.Add(item);
            public void Add(int item)
            {
                lock (_gate)
                {
                    AppendLocked(item);
                }
            }
            public int Count()
            {
                lock (_gate)
                {
                    return _items.Count;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_shares_one_lock_for_consecutive_statements() => VerifyFix("""
        class Stats
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            [GuardedBy(nameof(_gate))] private long _total;
            public void Record(int value)
            {
                [|_count|]++;
                [|_total|] += value;
                Console.WriteLine(value);
            }
        }
        """, """
        class Stats
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _count;
            [GuardedBy(nameof(_gate))] private long _total;
            public void Record(int value)
            {
                lock (_gate)
                {
                    _count++;
                    _total += value;
                }
                Console.WriteLine(value);
            }
        }
        """);

    [Fact]
    public Task Fix_locks_the_other_objects_gate() => VerifyFix("""
        class Node
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _value;
            public void CopyFrom(Node other)
            {
                var copy = 0;
                copy = [|other._value|];
                lock (_gate) { _value = copy; }
            }
        }
        """, """
        class Node
        {
            private readonly object _gate = new object();
            [GuardedBy(nameof(_gate))] private int _value;
            public void CopyFrom(Node other)
            {
                var copy = 0;
                lock (other._gate)
                {
                    copy = other._value;
                }
                lock (_gate) { _value = copy; }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_declaration_an_await_an_expression_body_or_a_semaphore() => VerifyNoFix("""
        class Counter
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(1, 1);
            [GuardedBy(nameof(_gate))] private int _count;
            [GuardedBy(nameof(_slots))] private int _slotted;
            public async Task<int> A()
            {
                var value = [|_count|];
                [|_count|] = await Task.FromResult(value);
                return value;
            }
            public int B() => [|_count|];
            public void C() { [|_slotted|]++; }
        }
        """);
}
