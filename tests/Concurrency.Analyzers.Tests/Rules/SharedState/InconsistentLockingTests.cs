using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.InconsistentLockingAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.GuardedAccessCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC302: a field written under a lock and accessed elsewhere without one, in a type that takes locks; and the fix.</summary>
public class InconsistentLockingTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime.Threading;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Unlocked(int location, int lockedWrite, string field, string gate, string place) =>
        VerifyCS.Diagnostic(RuleIds.InconsistentLocking).WithLocation(location).WithLocation(lockedWrite).WithArguments(field, gate, place);

    // ---- positives ----

    [Fact]
    public Task A_read_without_the_lock_of_the_writes() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { {|#1:_count|}++; } }
            public int Read() => {|#0:_count|};
        }
        """,
        Unlocked(0, 1, "_count", "_gate", "Test0.cs:6"));

    [Fact]
    public Task A_write_without_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { {|#1:_count|} = _count + 1; } }
            public void Reset() { {|#0:_count|} = 0; }
        }
        """,
        Unlocked(0, 1, "_count", "_gate", "Test0.cs:6"));

    [Fact]
    public Task Monitor_Enter_and_a_collection_field() => Verify("""
        class Registry
        {
            private readonly object _gate = new object();
            private Dictionary<string, int> _ids = new Dictionary<string, int>();
            public void Replace(Dictionary<string, int> ids)
            {
                Monitor.Enter(_gate);
                try { {|#1:_ids|} = ids; } finally { Monitor.Exit(_gate); }
            }
            public int Find(string name) => _ids[name];
            public void Clear() { {|#0:_ids|} = new Dictionary<string, int>(); }
        }
        """,
        Unlocked(0, 1, "_ids", "_gate", "Test0.cs:9"));

    [Fact]
    public Task A_runtime_lock_held_with_Hold() => Verify("""
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            private decimal _balance;
            public void Deposit(decimal amount) { using (_gate.Hold()) { {|#1:_balance|} += amount; } }
            public bool IsEmpty() => {|#0:_balance|} == 0;
        }
        """,
        Unlocked(0, 1, "_balance", "_gate", "Test0.cs:6"));

    [Fact]
    public Task A_static_field_and_a_lock_on_typeof() => Verify("""
        static class Ids
        {
            private static int s_next;
            public static int Next() { lock (typeof(Ids)) { return {|#1:s_next|}++; } }
            public static int Peek() => {|#0:s_next|};
        }
        """,
        Unlocked(0, 1, "s_next", "typeof(Ids)", "Test0.cs:5"));

    [Fact]
    public Task After_the_lock_is_released() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment()
            {
                lock (_gate) { {|#1:_count|}++; }
                Console.WriteLine({|#0:_count|});
            }
        }
        """,
        Unlocked(0, 1, "_count", "_gate", "Test0.cs:8"));

    [Fact]
    public Task In_a_lambda_run_later() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public Task Start()
            {
                lock (_gate)
                {
                    {|#1:_count|} = 1;
                    return Task.Run(() => {|#0:_count|}++);
                }
            }
        }
        """,
        Unlocked(0, 1, "_count", "_gate", "Test0.cs:10"));

    [Fact]
    public Task Across_partial_parts_in_two_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Cache.cs", Usings + """
            partial class Cache<T>
            {
                private readonly object _gate = new object();
                private T _last;
                public void Put(T value) { lock (_gate) { {|#1:_last|} = value; } }
            }
            """));
        test.TestState.Sources.Add(("Cache.Read.cs", Usings + """
            partial class Cache<T>
            {
                public T Last => {|#0:_last|};
            }
            """));
        test.ExpectedDiagnostics.Add(Unlocked(0, 1, "_last", "_gate", "Cache.cs:6"));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task A_private_helper_called_once_without_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void A() { lock (_gate) { Bump(); } }
            public void B() => Bump();
            private void Bump() => {|#0:_count|}++;
            public void C() { lock (_gate) { {|#1:_count|} = 0; } }
        }
        """,
        Unlocked(0, 1, "_count", "_gate", "Test0.cs:9"));

    [Fact]
    public Task Once_per_statement_in_a_struct_and_a_property_getter() => Verify("""
        struct Meter
        {
            private object _gate;
            private long _total;
            public void Add(long n) { lock (_gate) { {|#1:_total|} += n; } }
            public long Doubled { get { return {|#0:_total|} + _total; } }
        }
        """,
        Unlocked(0, 1, "_total", "_gate", "Test0.cs:6"));

    [Fact]
    public Task Another_objects_field_without_its_lock() => Verify("""
        class Node
        {
            private readonly object _gate = new object();
            private int _value;
            public void Set(int value) { lock (_gate) { {|#1:_value|} = value; } }
            public int Peek(Node other) { lock (_gate) { return {|#0:other._value|}; } }
        }
        """,
        Unlocked(0, 1, "_value", "_gate", "Test0.cs:6"));

    [Fact]
    public Task A_semaphore_used_as_a_lock() => Verify("""
        class Pool
        {
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(1, 1);
            private int _free = 4;
            public void Rent() { _slots.Wait(); try { {|#1:_free|}--; } finally { _slots.Release(); } }
            public int Free() => {|#0:_free|};
        }
        """,
        Unlocked(0, 1, "_free", "_slots", "Test0.cs:6"));

    // ---- negatives ----

    [Fact]
    public Task Every_access_under_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public int Read() { lock (_gate) { return _count; } }
        }
        """);

    [Fact]
    public Task Readonly_volatile_and_const_fields() => Verify("""
        class Flags
        {
            private readonly object _gate = new object();
            private readonly List<int> _items = new List<int>();
            private volatile bool _stopped;
            private const int Max = 4;
            public void Add(int i) { lock (_gate) { _items.Add(i); _stopped = i > Max; } }
            public int Count => _items.Count;
            public bool Stopped => _stopped;
        }
        """);

    [Fact]
    public Task Interlocked_and_Volatile_fields() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            private long _ticks;
            public void A() { lock (_gate) { _count++; _ticks = 1; } }
            public int B() => Interlocked.CompareExchange(ref _count, 0, 0);
            public long C() => Volatile.Read(ref _ticks);
        }
        """);

    [Fact]
    public Task Constructors_and_initializers() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count = 1;
            private static int s_made;
            static Counter() { s_made = 0; }
            public Counter(int start) { _count = start; }
            public void Increment() { lock (_gate) { _count++; s_made++; } }
        }
        """);

    [Fact]
    public Task A_type_that_takes_no_lock() => Verify("""
        class Plain
        {
            private int _count;
            public void Increment() { _count++; }
            public int Read() => _count;
        }
        """);

    [Fact]
    public Task Fields_only_read_under_the_lock_but_never_written_under_it() => Verify("""
        class Settings
        {
            private readonly object _gate = new object();
            private string _name = "a";
            public void Rename(string name) { _name = name; }
            public string Read() { lock (_gate) { return _name; } }
        }
        """);

    [Fact]
    public Task A_private_helper_every_caller_calls_under_the_lock() => Verify("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void A() { lock (_gate) { Bump(); } }
            public void B() { lock (_gate) { Bump(); _count = 0; } }
            private void Bump() => _count++;
        }
        """);

    [Fact]
    public Task GuardedBy_fields_are_CONC305s_and_another_objects_field_under_its_lock() => Verify("""
        class Node
        {
            private readonly object _gate = new object();
            [Concurrency.Runtime.GuardedBy(nameof(_gate))] private int _guarded;
            private int _value;
            public void Set(int value) { lock (_gate) { _value = value; _guarded = value; } }
            public int Peek(Node other) { lock (other._gate) { return other._value; } }
            public int Guarded() => _guarded;
        }
        """);

    [Fact]
    public Task A_published_reference_read_and_a_double_checked_first_read() => Verify("""
        class Config
        {
            private readonly object _gate = new object();
            private Dictionary<string, string> _snapshot = new Dictionary<string, string>();
            private bool _loaded;
            public void Set(string k, string v) { lock (_gate) { var copy = new Dictionary<string, string>(_snapshot); copy[k] = v; _snapshot = copy; } }
            public string Get(string k) => _snapshot[k];
            public void Load()
            {
                if (_loaded) return;
                lock (_gate) { if (!_loaded) { _loaded = true; } }
            }
        }
        """);

    [Fact]
    public Task The_check_and_the_act_of_a_lazy_initialization_are_CONC304s() => Verify("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            private int? _size;
            public void Reset() { lock (_gate) { _items = null; _size = null; } }
            public List<int> Items() { if (_items == null) _items = new List<int>(); return _items; }
            public List<int> Other() => _items ??= new List<int>();
            public bool Size() { if (_size == null) _size = 4; return true; }
        }
        """);

    [Fact]
    public Task Nameof_and_a_ReaderWriterLockSlim_in_both_forms() => Verify("""
        class Table
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _rows;
            public void Add() { _rw.EnterWriteLock(); try { _rows++; } finally { _rw.ExitWriteLock(); } }
            public int Rows() { _rw.EnterReadLock(); try { return _rows; } finally { _rw.ExitReadLock(); } }
            public string Name => nameof(_rows);
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_wraps_the_unlocked_write() => VerifyFix("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public void Reset()
            {
                [|_count|] = 0;
            }
        }
        """, """
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public void Reset()
            {
                lock (_gate)
                {
                    _count = 0;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_uses_Hold_for_a_runtime_lock() => VerifyFix("""
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            private decimal _balance;
            public void Deposit(decimal amount) { using (_gate.Hold()) { _balance += amount; } }
            public void Clear()
            {
                [|_balance|] = 0;
            }
        }
        """, """
        class Account
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock();
            private decimal _balance;
            public void Deposit(decimal amount) { using (_gate.Hold()) { _balance += amount; } }
            public void Clear()
            {
                using (_gate.Hold())
                {
                    _balance = 0;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_wraps_a_return() => VerifyFix("""
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public int Read()
            {
                return [|_count|];
            }
        }
        """, """
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;
            public void Increment() { lock (_gate) { _count++; } }
            public int Read()
            {
                lock (_gate)
                {
                    return _count;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_shares_one_lock() => VerifyFix("""
        class Stats
        {
            private readonly object _gate = new object();
            private int _count;
            private long _total;
            public void Record(int v) { lock (_gate) { _count++; _total += v; } }
            public void Reset()
            {
                [|_count|] = 0;
                [|_total|] = 0;
            }
        }
        """, """
        class Stats
        {
            private readonly object _gate = new object();
            private int _count;
            private long _total;
            public void Record(int v) { lock (_gate) { _count++; _total += v; } }
            public void Reset()
            {
                lock (_gate)
                {
                    _count = 0;
                    _total = 0;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_for_a_field_read_in_an_if() => VerifyFix("""
        class Queue2
        {
            private readonly object _gate = new object();
            private int _size;
            public void Push() { lock (_gate) { _size++; } }
            public void Log()
            {
                if ([|_size|] > 10)
                {
                    Console.WriteLine("big");
                }
            }
        }
        """, """
        class Queue2
        {
            private readonly object _gate = new object();
            private int _size;
            public void Push() { lock (_gate) { _size++; } }
            public void Log()
            {
                lock (_gate)
                {
                    if (_size > 10)
                    {
                        Console.WriteLine("big");
                    }
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_expression_bodies_declarations_or_a_semaphore() => VerifyNoFix("""
        class Pool
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(1, 1);
            private int _count;
            private int _free;
            public void A() { lock (_gate) { _count++; } _slots.Wait(); try { _free--; } finally { _slots.Release(); } }
            public int B() => [|_count|];
            public void C() { var seen = [|_count|]; Console.WriteLine(seen); }
            public void D() { [|_free|]++; }
        }
        """);
}
