using Concurrency.Analyzers.Rules.Locks;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.LockOrderInversionAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.LockOrderInversionCodeFixProvider>;
using VerifyEnd = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.LockOrderInversionAcrossTypesAnalyzer,
    Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>
/// CONC101: lock-order inversion — inside one type while typing (<see cref="LockOrderInversionAnalyzer"/>)
/// and across the compilation at its end (<see cref="LockOrderInversionAcrossTypesAnalyzer"/>); the
/// tests run both, as a build does, so a site reported twice would fail them.
/// </summary>
public class LockOrderInversionTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static VerifyCS.Test NewTest() => new() { ExtraAnalyzers = { new LockOrderInversionAcrossTypesAnalyzer() } };

    private static Task Verify(string source, params DiagnosticResult[] expected)
    {
        var test = NewTest();
        test.TestCode = Usings + source;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- positives ----

    [Fact]
    public Task Two_methods_take_two_locks_in_opposite_orders() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ({|#0:_audit|}) { } } }
            void Check() { lock (_audit) { lock ({|#1:_accounts|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("_audit", "_accounts", "Ledger.Check (Test0.cs:7)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("_accounts", "_audit", "Ledger.Post (Test0.cs:6)", ""));

    [Fact]
    public Task Inversion_through_calls() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { [|WriteAudit()|]; } }
            void WriteAudit() { lock (_audit) { } }
            void Check() { lock (_audit) { [|Total()|]; } }
            int Total() { lock (_accounts) { return 0; } }
        }
        """);

    [Fact]
    public Task Three_lock_cycle() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            void AB() { lock (_a) { lock ([|_b|]) { } } }
            void BC() { lock (_b) { lock ([|_c|]) { } } }
            void CA() { lock (_c) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task Through_a_call_on_another_object_inside_a_callee() => Verify("""
        class Orders
        {
            public static readonly object Gate = new object();
            void Place() { lock (Gate) { [|Notify()|]; } }
            void Notify() { new Stock().Reserve(); }
        }
        class Stock
        {
            public static readonly object Gate = new object();
            public void Reserve() { lock (Gate) { } }
            void Recount() { lock (Gate) { lock ([|Orders.Gate|]) { } } }
        }
        """);

    [Fact]
    public Task Monitor_Enter_regions_and_static_locks() => Verify("""
        static class Registry
        {
            private static readonly object Names = new object();
            private static readonly object Ids = new object();
            public static void Add() { Monitor.Enter(Names); try { lock ([|Ids|]) { } } finally { Monitor.Exit(Names); } }
            public static void Remove() { lock (Ids) { lock ([|Names|]) { } } }
        }
        """);

    [Fact]
    public Task Across_files_and_partial_classes()
    {
        var test = NewTest();
        test.TestState.Sources.Add(("Bank.A.cs", Usings + "partial class Bank { private readonly object _a = new object(); void M() { lock (_a) { lock ([|_b|]) { } } } }"));
        test.TestState.Sources.Add(("Bank.B.cs", Usings + "partial class Bank { private readonly object _b = new object(); void N() { lock (_b) { [|Touch()|]; } } void Touch() { lock (_a) { } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task SemaphoreSlim_and_ReaderWriterLockSlim_regions() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly ReaderWriterLockSlim _cache = new();
            void Read() { _cache.EnterWriteLock(); try { [|_io.Wait()|]; _io.Release(); } finally { _cache.ExitWriteLock(); } }
            void Write() { _io.Wait(); try { [|_cache.EnterWriteLock()|]; _cache.ExitWriteLock(); } finally { _io.Release(); } }
        }
        """);

    [Fact]
    public Task Through_a_partial_method() => Verify("""
        partial class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            partial void WriteAudit();
            partial void WriteAudit() { lock (_audit) { } }
            void Post() { lock (_accounts) { [|WriteAudit()|]; } }
            void Check() { lock (_audit) { lock ([|_accounts|]) { } } }
        }
        """);

    [Fact]
    public Task Acquisitions_spelled_with_unicode_escapes() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly ReaderWriterLockSlim _cache = new();
            void Read() { _cache.\u0045nterWriteLock(); try { [|_io.\u0057ait()|]; _io.Release(); } finally { _cache.ExitWriteLock(); } }
            void Write() { _io.\u0057ait(); try { [|_cache.\u0045nterWriteLock()|]; _cache.ExitWriteLock(); } finally { _io.Release(); } }
        }
        """);

    [Fact]
    public Task Compilation_end_alone_reads_top_level_statements_constructors_operators_and_accessors()
    {
        // The compilation-end analyzer on its own, as a host that runs only it would: it collects
        // every member with lock syntax itself.
        var test = new VerifyEnd.Test
        {
            TestCode = Usings + """
                lock (Locks.First) { lock ([|Locks.Second|]) { } }
                static class Locks { public static readonly object First = new object(); public static readonly object Second = new object(); }
                class Account { public Account() { lock (Locks.Second) { lock ([|Locks.First|]) { } } } }
                class Money { public static Money operator +(Money a, Money b) { lock (Locks.First) { lock ([|Locks.Second|]) { } } return a; } }
                class Table { public int this[int i] { get { lock (Locks.Second) { lock ([|Locks.First|]) { return i; } } } } }
                """,
        };
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task Generic_types_share_one_lock_per_field_across_instantiations() => Verify("""
        class Pool<T>
        {
            private readonly object _free = new object();
            private readonly object _busy = new object();
            public void Rent() { lock (_free) { lock ([|_busy|]) { } } }
            public void Return() { lock (_busy) { [|Release()|]; } }
            void Release() { lock (_free) { } }
        }
        class Client
        {
            void Use(Pool<int> ints, Pool<string> strings) { ints.Rent(); strings.Return(); }
        }
        """);

    [Fact]
    public Task A_property_and_an_indexer_that_lock() => Verify("""
        class Inventory
        {
            private readonly object _items = new object();
            private readonly object _prices = new object();
            private readonly Dictionary<string, int> _stock = new();
            public int Count { get { lock (_items) { return _stock.Count; } } }
            public int this[string name] { get { lock (_prices) { return 0; } } set { lock (_prices) { } } }
            int Total() { lock (_items) { return [|this["apple"]|]; } }
            void Reprice() { lock (_prices) { _ = [|Count|]; } }
        }
        """);

    [Fact]
    public Task A_static_constructor_takes_them_the_other_way() => Verify("""
        static class Config
        {
            public static readonly object Files = new object();
            public static readonly object Cache = new object();
            static Config() { lock (Cache) { lock ([|Files|]) { } } }
            public static void Reload() { lock (Files) { lock ([|Cache|]) { } } }
        }
        """);

    [Fact]
    public Task Interface_and_virtual_calls_reach_their_implementations() => Verify("""
        static class Locks { public static readonly object Log = new object(); public static readonly object Disk = new object(); }
        interface ISink { void Write(string line); }
        abstract class Store { public abstract void Save(); }
        class FileSink : ISink { public void Write(string line) { lock (Locks.Disk) { } } }
        class DiskStore : Store { public override void Save() { lock (Locks.Log) { } } }
        class Logger
        {
            private readonly ISink _sink = new FileSink();
            void Log(string line) { lock (Locks.Log) { [|_sink.Write(line)|]; } }
        }
        class Flusher
        {
            private readonly Store _store = new DiskStore();
            void Flush() { lock (Locks.Disk) { [|_store.Save()|]; } }
        }
        """);

    [Fact]
    public Task A_local_that_aliases_a_field_is_that_lock() => Verify("""
        class Transfer
        {
            private readonly object _from = new object();
            private readonly object _to = new object();
            void Debit() { var gate = _from; lock (gate) { lock ([|_to|]) { } } }
            void Credit() { var gate = _from; lock (_to) { lock ([|gate|]) { } } }
        }
        """);

    [Fact]
    public Task A_field_of_another_instance_is_the_same_lock() => Verify("""
        class Node
        {
            private readonly object _gate = new object();
            private readonly object _children = new object();
            void Attach(Node parent) { lock (parent._gate) { lock ([|_children|]) { } } }
            void Detach() { lock (_children) { lock ([|_gate|]) { } } }
        }
        """);

    [Fact]
    public Task A_lambda_run_before_the_call_returns_runs_under_the_lock() => Verify("""
        class Batch
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly List<int> _items = new();
            void Each() { lock (_a) { _items.ForEach(i => { lock ([|_b|]) { } }); } }
            void All() { lock (_b) { Parallel.For(0, 4, i => { lock ([|_a|]) { } }); } }
        }
        """);

    [Fact]
    public Task Recursive_calls_and_call_cycles_are_summarized() => Verify("""
        class Tree
        {
            private readonly object _read = new object();
            private readonly object _write = new object();
            void Walk(int depth) { if (depth > 0) { Walk(depth - 1); Visit(depth); } }
            void Visit(int depth) { if (depth > 5) { Walk(depth - 5); } lock (_write) { } }
            void Scan() { lock (_read) { [|Walk(3)|]; } }
            void Update() { lock (_write) { lock ([|_read|]) { } } }
        }
        """);

    [Fact]
    public Task Through_a_class_that_takes_no_lock_itself() => Verify("""
        class Orders
        {
            public static readonly object Book = new object();
            void Place() { lock (Book) { [|Relay.Pass()|]; } }
        }
        static class Relay { public static void Pass() => Stock.Reserve(); }
        static class Stock
        {
            public static readonly object Shelf = new object();
            public static void Reserve() { lock (Shelf) { } }
            static void Recount() { lock (Shelf) { lock ([|Orders.Book|]) { } } }
        }
        """);

    [Fact]
    public Task Through_an_implementation_that_takes_no_lock_itself() => Verify("""
        interface ISink { void Write(string line); }
        class ForwardingSink : ISink { public void Write(string line) => Disk.Flush(); }
        static class Disk
        {
            public static readonly object Gate = new object();
            public static void Flush() { lock (Gate) { } }
        }
        class Logger
        {
            private static readonly object Log = new object();
            private readonly ISink _sink = new ForwardingSink();
            void Write(string line) { lock (Log) { [|_sink.Write(line)|]; } }
            void Rotate() { lock (Disk.Gate) { lock ([|Log|]) { } } }
        }
        """);

    [Fact]
    public Task Through_a_local_function() => Verify("""
        class Cache
        {
            private readonly object _entries = new object();
            private readonly object _stats = new object();
            void Put()
            {
                lock (_entries) { [|Count()|]; }
                void Count() { lock (_stats) { } }
            }
            void Report() { lock (_stats) { lock ([|_entries|]) { } } }
        }
        """);

    [Fact]
    public Task A_long_method_with_one_lock_region_and_a_local_function_declared_outside_it() => Verify("""
        class Worker
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void Run(int count)
            {
                var total = 0;
                for (var i = 0; i < count; i++) { total += i * i; }
                void Flush() { TakeB(); }
                Log(total);
                TakeB();
                lock (_a) { [|Flush()|]; }
            }
            void TakeB() { lock (_b) { } }
            void Log(int value) => Console.WriteLine(value);
            void Other() { lock (_b) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task A_nested_type_is_analyzed_once_on_its_own() => Verify("""
        class Outer
        {
            private readonly object _gate = new object();
            void M() { lock (_gate) { } }
            class Inner
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                void AB() { lock (_a) { lock ([|_b|]) { } } }
                void BA() { lock (_b) { lock ([|_a|]) { } } }
            }
        }
        """);

    [Fact]
    public Task Inside_one_type_the_rule_reports_while_typing_without_the_compilation_end_part() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Check() { lock (_audit) { lock ([|_accounts|]) { } } }
        }
        class Elsewhere
        {
            public static readonly object A = new object();
            public static readonly object B = new object();
            void M() { lock (A) { new Other().N(); } }
        }
        class Other { public void N() { lock (Elsewhere.B) { lock (Elsewhere.A) { } } } }
        """);

    [Fact]
    public Task Across_types_the_compilation_end_part_reports_and_says_where()
    {
        var test = new VerifyCS.Test { ExtraAnalyzers = { new LockOrderInversionAcrossTypesAnalyzer() } };
        test.TestState.Sources.Add(("Orders.cs", Usings + "class Orders { public static readonly object Book = new object(); void Place() { lock (Book) { {|#0:Stock.Reserve()|}; } } }"));
        test.TestState.Sources.Add(("Stock.cs", Usings + "static class Stock { public static readonly object Shelf = new object(); public static void Reserve() { lock (Shelf) { } }\n static void Recount() { lock (Shelf) { lock ({|#1:Orders.Book|}) { } } } }"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("Stock.Shelf", "Book", "Stock.Recount (Stock.cs:3)", " (Reserve())"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("Orders.Book", "Shelf", "Orders.Place (Orders.cs:2)", ""));
        return test.RunAsync();
    }

    [Fact]
    public Task A_cycle_across_types_through_an_indexer_and_a_target_typed_constructor_is_found() => Verify("""
        class Registry
        {
            private readonly object _gate = new object();
            private readonly Journal _journal = new Journal();
            void Register() { lock (_gate) { [|Peek()|]; } }
            int Peek() => _journal[0];
            public void Touch() { lock (_gate) { } }
        }

        class Journal
        {
            private readonly object _gate = new object();
            public Registry Owner;
            public int this[int i] { get { lock (_gate) { return i; } } }
            void Flush() { lock (_gate) { [|Make()|]; } }
            Entry Make() => new(Owner);
        }

        class Entry
        {
            public Entry(Registry registry) => registry.Touch();
        }
        """);

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_holds_the_rest_of_the_try() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post()
            {
                var taken = false;
                try { Monitor.Enter(_accounts, ref taken); lock ([|_audit|]) { } }
                finally { if (taken) Monitor.Exit(_accounts); }
            }
            void Check()
            {
                var taken = false;
                try { Monitor.TryEnter(_audit, TimeSpan.FromSeconds(1), ref taken); lock ([|_accounts|]) { } }
                finally { if (taken) Monitor.Exit(_audit); }
            }
        }
        """);

    [Fact]
    public Task Acquisitions_that_wait_forever_close_a_cycle() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            private readonly SemaphoreSlim _s = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly Mutex _m = new();
            private readonly Concurrency.Runtime.Threading.Lock _l = new();
            void AB() { lock (_a) { [|Monitor.Enter(_b)|]; Monitor.Exit(_b); } }
            void AC() { lock (_a) { if ([|Monitor.TryEnter(_c, Timeout.Infinite)|]) { Monitor.Exit(_c); } } }
            void AS(CancellationToken ct) { lock (_a) { [|_s.Wait()|]; [|_s.Wait(ct)|]; [|_s.Wait(Timeout.Infinite)|]; [|_s.Wait(Timeout.InfiniteTimeSpan, ct)|]; _s.Release(); } }
            void ARw() { lock (_a) { [|_rw.EnterWriteLock()|]; _rw.ExitWriteLock(); } }
            void AM() { lock (_a) { [|_m.WaitOne()|]; _m.ReleaseMutex(); } }
            void AL() { lock (_a) { [|_l.Acquire()|]; [|_l.Acquire(timeout: null)|]; _l.Release(); } }
            void BA() { lock (_b) { lock ([|_a|]) { } } }
            void CA() { lock (_c) { lock ([|_a|]) { } } }
            void SA() { _s.Wait(); try { lock ([|_a|]) { } } finally { _s.Release(); } }
            void RwA() { _rw.EnterWriteLock(); try { lock ([|_a|]) { } } finally { _rw.ExitWriteLock(); } }
            void MA() { _m.WaitOne(); try { lock ([|_a|]) { } } finally { _m.ReleaseMutex(); } }
            void LA() { _l.Acquire(); try { lock ([|_a|]) { } } finally { _l.Release(); } }
        }
        """);

    [Fact]
    public Task A_cycle_taken_partly_outside_a_common_gate_lock() => Verify("""
        class Transfers
        {
            private readonly object _gate = new object();
            private readonly object _log = new object();
            private readonly object _stats = new object();
            void Log() { lock (_gate) { lock (_log) { lock ([|_stats|]) { } } } }
            void Count() { lock (_stats) { [|Append()|]; } }
            void Append() { lock (_log) { } }
        }
        """);

    [Fact]
    public Task A_lock_taken_in_a_catch_is_taken_under_the_lock_of_the_try() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post()
            {
                Monitor.Enter(_accounts);
                try { Work(); }
                catch (InvalidOperationException) { lock ([|_audit|]) { } throw; }
                finally { Monitor.Exit(_accounts); }
            }
            void Check()
            {
                var taken = false;
                try { Monitor.Enter(_audit, ref taken); Work(); }
                catch (InvalidOperationException) { lock ([|_accounts|]) { } }
                finally { if (taken) Monitor.Exit(_audit); }
            }
            void Work() { }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Consistent_order_everywhere() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { lock (_a) { lock (_b) { } } }
            void N() { lock (_a) { Inner(); } }
            void Inner() { lock (_b) { } }
        }
        """);

    [Fact]
    public Task Reentering_the_same_lock() => Verify("""
        class C
        {
            private readonly object _a = new object();
            void M() { lock (_a) { lock (_a) { } N(); } }
            void N() { lock (_a) { } }
        }
        """);

    [Fact]
    public Task Sequential_locks_are_not_nested() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { lock (_a) { } lock (_b) { } }
            void N() { lock (_b) { } lock (_a) { } }
        }
        """);

    [Fact]
    public Task A_callback_created_under_a_lock_runs_later() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            Task M() { lock (_a) { return Task.Run(() => { lock (_b) { } }); } }
            void N() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task Locks_of_other_instances_are_not_judged() => Verify("""
        class Account
        {
            private readonly object _gate = new object();
            private int _balance;
            static void Transfer(Account from, Account to, int amount)
            {
                lock (from._gate) { lock (to._gate) { from._balance -= amount; to._balance += amount; } }
            }
        }
        """);

    [Fact]
    public Task Generated_code_is_not_analyzed()
    {
        var test = NewTest();
        test.TestCode = "// <auto-generated/>\n" + Usings + """
            class C
            {
                public static readonly object A = new object();
                public static readonly object B = new object();
                void M() { lock (A) { lock (B) { } } }
                void N() { lock (B) { lock (A) { } } }
            }
            class D { void M() { lock (C.B) { lock (C.A) { } } } }
            """;
        return test.RunAsync();
    }

    [Fact]
    public Task Two_instances_locked_in_id_order_by_a_helper() => Verify("""
        class Account
        {
            private readonly object _gate = new object();
            public int Id { get; init; }
            private int _balance;
            public static void Transfer(Account from, Account to, int amount)
            {
                var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
                lock (first._gate)
                {
                    lock (second._gate)
                    {
                        from._balance -= amount;
                        to._balance += amount;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task A_callback_stored_under_a_lock_runs_outside_it() => Verify("""
        class Scheduler
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private Action _next;
            void Plan() { lock (_a) { _next = () => { lock (_b) { } }; } }
            void Run() { var next = _next; next?.Invoke(); }
            void Other() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task A_local_assigned_again_is_not_an_alias() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { var gate = _a; gate = new object(); lock (gate) { lock (_b) { } } }
            void N() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task Implementations_that_keep_the_order() => Verify("""
        static class Locks { public static readonly object Log = new object(); public static readonly object Disk = new object(); }
        interface ISink { void Write(string line); }
        class FileSink : ISink { public void Write(string line) { lock (Locks.Disk) { } } }
        class MemorySink : ISink { public void Write(string line) { } }
        class Logger
        {
            private readonly ISink _sink = new MemorySink();
            void Log(string line) { lock (Locks.Log) { _sink.Write(line); } }
            void Rotate() { lock (Locks.Log) { lock (Locks.Disk) { } } }
        }
        """);

    [Fact]
    public Task Two_types_with_locks_of_the_same_names_are_different_locks() => Verify("""
        class First { private readonly object _a = new object(); private readonly object _b = new object(); void M() { lock (_a) { lock (_b) { } } } }
        class Second { private readonly object _a = new object(); private readonly object _b = new object(); void M() { lock (_b) { lock (_a) { } } } }
        """);

    [Fact]
    public Task A_try_whose_finally_does_not_release_holds_nothing_after_the_exit() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post()
            {
                var taken = false;
                try { Monitor.Enter(_accounts, ref taken); Monitor.Exit(_accounts); lock (_audit) { } }
                finally { taken = false; }
            }
            void Check() { lock (_audit) { lock (_accounts) { } } }
        }
        """);

    [Fact]
    public Task An_acquisition_that_can_time_out_closes_no_cycle() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            private readonly SemaphoreSlim _s = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly Mutex _m = new();
            private readonly Concurrency.Runtime.Threading.Lock _l = new();
            private SpinLock _spin = new(false);
            void AB() { lock (_a) { if (Monitor.TryEnter(_b)) { Monitor.Exit(_b); } if (Monitor.TryEnter(_b, 100)) { Monitor.Exit(_b); } } }
            void AC() { lock (_a) { var taken = false; try { Monitor.TryEnter(_c, TimeSpan.FromSeconds(1), ref taken); } finally { if (taken) Monitor.Exit(_c); } } }
            void AS(int ms, CancellationToken ct) { lock (_a) { if (_s.Wait(ms) && _s.Wait(TimeSpan.FromSeconds(1)) && _s.Wait(100, ct)) { _s.Release(); } } }
            void ARw() { lock (_a) { if (_rw.TryEnterWriteLock(100) || _rw.TryEnterReadLock(TimeSpan.FromSeconds(1))) { _rw.ExitWriteLock(); } } }
            void ASpin() { lock (_a) { var taken = false; _spin.TryEnter(ref taken); _spin.TryEnter(100, ref taken); if (taken) _spin.Exit(); } }
            void AM() { lock (_a) { if (_m.WaitOne(100)) { _m.ReleaseMutex(); } } }
            void AL() { lock (_a) { if (_l.Acquire(timeout: TimeSpan.FromSeconds(1)) || _l.Acquire(blocking: false)) { _l.Release(); } } }
            void BA() { lock (_b) { lock (_a) { } } }
            void CA() { lock (_c) { lock (_a) { } } }
            void SA() { _s.Wait(); try { lock (_a) { } } finally { _s.Release(); } }
            void RwA() { _rw.EnterWriteLock(); try { lock (_a) { } } finally { _rw.ExitWriteLock(); } }
            void SpinA() { var taken = false; _spin.Enter(ref taken); try { lock (_a) { } } finally { _spin.Exit(); } }
            void MA() { _m.WaitOne(); try { lock (_a) { } } finally { _m.ReleaseMutex(); } }
            void LA() { _l.Acquire(); try { lock (_a) { } } finally { _l.Release(); } }
        }
        """);

    [Fact]
    public Task A_cycle_taken_only_under_one_gate_lock_cannot_deadlock_while_a_real_one_in_the_same_code_does() => Verify("""
        class Transfers
        {
            private readonly object _gate = new object();
            private readonly object _from = new object();
            private readonly object _to = new object();
            private readonly object _log = new object();
            private readonly object _stats = new object();
            // Both orders are taken inside _gate: only one thread at a time gets that far.
            void Debit() { lock (_gate) { lock (_from) { lock (_to) { } } } }
            void Credit() { lock (_gate) { lock (_to) { Take(); } } }
            void Take() { lock (_from) { } }
            // In the same code, a real cycle: one of its orders is taken outside the gate.
            void Log() { lock (_gate) { lock (_log) { lock ([|_stats|]) { } } } }
            void Count() { lock (_stats) { lock ([|_log|]) { } } }
        }
        """);

    [Fact]
    public Task A_catch_outside_the_region_holds_nothing() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post()
            {
                try { Monitor.Enter(_accounts); try { } finally { Monitor.Exit(_accounts); } }
                catch (InvalidOperationException) { lock (_audit) { } }
            }
            void Check() { lock (_audit) { lock (_accounts) { } } }
        }
        """);

    // ---- fixes ----

    // The compilation-end part reports non-local diagnostics: their fix is applied from the error
    // list, by Fix All and by 'dotnet format', which the testing library checks only when told.
    private const CodeFixTestBehaviors CompilationEndFix = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private static Task VerifyFix(string source, string fixedSource)
    {
        var test = NewTest();
        test.TestCode = Usings + source;
        test.FixedCode = Usings + fixedSource;
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        test.CodeFixTestBehaviors = CompilationEndFix;
        return test.RunAsync();
    }

    private static Task VerifyNoFix(string source)
    {
        var test = NewTest();
        test.TestCode = Usings + source;
        test.FixedCode = Usings + source;
        test.CodeFixTestBehaviors = CompilationEndFix;
        return test.RunAsync();
    }

    [Fact]
    public Task The_minority_site_is_brought_to_the_dominant_order() => VerifyFix("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Settle() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Check()
            {
                lock (_audit)
                {
                    lock ([|_accounts|])
                    {
                        Console.WriteLine("checked");
                    }
                }
            }
        }
        """, """
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock (_audit) { } } }
            void Settle() { lock (_accounts) { lock (_audit) { } } }
            void Check()
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                        Console.WriteLine("checked");
                    }
                }
            }
        }
        """);

    [Fact]
    public Task On_a_tie_the_declaration_order_wins() => VerifyFix("""
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            void M() { lock (_first) { lock ([|_second|]) { } } }
            void N() { lock (_second) lock ([|_first|]) { } }
        }
        """, """
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            void M() { lock (_first) { lock (_second) { } } }
            void N() { lock (_first) lock (_second) { } }
        }
        """);

    [Fact]
    public Task When_code_runs_between_the_two_the_first_lock_is_taken_around_the_outer_one() => VerifyFix("""
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            private int _n;
            void M() { lock (_first) { lock ([|_second|]) { } } }
            void N()
            {
                lock (_second)
                {
                    _n++;
                    lock ([|_first|]) { }
                }
            }
        }
        """, """
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            private int _n;
            void M() { lock (_first) { lock (_second) { } } }
            void N()
            {
                lock (_first)
                {
                    lock (_second)
                    {
                        _n++;
                        lock (_first) { }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Through_a_call_the_first_lock_is_taken_around_the_outer_one() => VerifyFix("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Close() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Check()
            {
                lock (_audit)
                {
                    [|Total()|];
                }
            }
            int Total() { lock (_accounts) { return 0; } }
        }
        """, """
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock (_audit) { } } }
            void Close() { lock (_accounts) { lock (_audit) { } } }
            void Check()
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                        Total();
                    }
                }
            }
            int Total() { lock (_accounts) { return 0; } }
        }
        """);

    [Fact]
    public Task A_cycle_of_three_is_broken_at_the_site_against_the_declaration_order() => VerifyFix("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            void AB() { lock (_a) { lock ([|_b|]) { } } }
            void BC() { lock (_b) { lock ([|_c|]) { } } }
            void CA() { lock (_c) { lock ([|_a|]) { } } }
        }
        """, """
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            void AB() { lock (_a) { lock (_b) { } } }
            void BC() { lock (_b) { lock (_c) { } } }
            void CA() { lock (_a) { lock (_c) { } } }
        }
        """);

    [Fact]
    public Task The_fix_follows_the_order_the_other_files_use()
    {
        var test = NewTest();
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        test.CodeFixTestBehaviors = CompilationEndFix;
        test.TestState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.TestState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock ([|Locks.B|]) { } } } void N() { lock (Locks.A) { lock ([|Locks.B|]) { } } } }"));
        test.TestState.Sources.Add(("Two.cs", Usings + "class Two { void M() { lock (Locks.B) { lock ([|Locks.A|]) { } } } }"));
        test.FixedState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.FixedState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock (Locks.B) { } } } void N() { lock (Locks.A) { lock (Locks.B) { } } } }"));
        test.FixedState.Sources.Add(("Two.cs", Usings + "class Two { void M() { lock (Locks.A) { lock (Locks.B) { } } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Across_types_a_static_lock_is_named_by_its_type()
    {
        var test = NewTest();
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        test.CodeFixTestBehaviors = CompilationEndFix;
        test.TestState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.TestState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock ([|Locks.B|]) { } } } void N() { lock (Locks.A) { lock ([|Locks.B|]) { } } } }"));
        test.TestState.Sources.Add(("Two.cs", Usings + """
            class Two
            {
                void M()
                {
                    lock (Locks.B)
                    {
                        [|Take()|];
                    }
                }

                static void Take() { lock (Locks.A) { } }
            }
            """));
        test.FixedState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.FixedState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock (Locks.B) { } } } void N() { lock (Locks.A) { lock (Locks.B) { } } } }"));
        test.FixedState.Sources.Add(("Two.cs", Usings + """
            class Two
            {
                void M()
                {
                    lock (Locks.A)
                    {
                        lock (Locks.B)
                        {
                            Take();
                        }
                    }
                }

                static void Take() { lock (Locks.A) { } }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_the_lock_to_take_first_is_not_reentrant() => VerifyNoFix("""
        class C
        {
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly object _state = new object();
            void M() { _io.Wait(); try { lock ([|_state|]) { } } finally { _io.Release(); } }
            void K() { _io.Wait(); try { lock ([|_state|]) { } } finally { _io.Release(); } }
            void N() { lock (_state) { [|_io.Wait()|]; _io.Release(); } }
        }
        """);

    [Fact]
    public Task A_lambda_a_callee_runs_before_returning_takes_its_lock_under_the_callers() => Verify("""
        class Batch
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly List<int> _items = new();
            void Outer() { lock (_a) { [|Each()|]; } }
            void Each() => _items.ForEach(i => { lock (_b) { } });
            void Back() { lock (_b) { lock ([|_a|]) { } } }
        }
        """);

    // ---- every lock object, not only fields ----

    [Fact]
    public Task Lock_on_this_takes_part_in_an_inversion() => Verify("""
        class Ledger
        {
            private readonly object _audit = new object();
            void Post() { lock (this) { lock ({|#0:_audit|}) { } } }
            void Check() { lock (_audit) { lock ({|#1:this|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("_audit", "this", "Ledger.Check (Test0.cs:6)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("this", "_audit", "Ledger.Post (Test0.cs:5)", ""));

    [Fact]
    public Task Lock_on_a_type_object_takes_part_in_an_inversion() => Verify("""
        class Registry
        {
            private static readonly object Entries = new object();
            static void Add() { lock (typeof(Registry)) { lock ({|#0:Entries|}) { } } }
            static void Drop() { lock (Entries) { lock ({|#1:typeof(Registry)|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("Entries", "typeof(Registry)", "Registry.Drop (Test0.cs:6)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("typeof(Registry)", "Entries", "Registry.Add (Test0.cs:5)", ""));

    [Fact]
    public Task A_property_lock_object_takes_part_in_an_inversion() => Verify("""
        class Journal
        {
            private readonly object _log = new object();
            private object Gate { get; } = new object();
            void Write() { lock (Gate) { lock ([|_log|]) { } } }
            void Rotate() { lock (_log) { lock ([|Gate|]) { } } }
        }
        """);

    [Fact]
    public Task A_SyncRoot_property_that_returns_a_field_is_that_field() => Verify("""
        class Store
        {
            private readonly object _root = new object();
            private readonly object _index = new object();
            protected object SyncRoot => _root;
            void Put() { lock (SyncRoot) { lock ([|_index|]) { } } }
            void Reindex() { lock (_index) { lock ([|_root|]) { } } }
        }
        """);

    [Fact]
    public Task Lock_on_this_taken_again_inside_itself_is_no_inversion() => Verify("""
        class Ledger
        {
            private readonly object _audit = new object();
            void Post() { lock (this) { lock (_audit) { lock (this) { } } } }
            void Check() { lock (this) { lock (_audit) { } } }
        }
        """);

    // ---- locks on parameters: the bank transfer ----

    [Fact]
    public Task Transfers_called_with_both_orders_of_two_accounts_are_reported_at_both_calls() => Verify("""
        class Account { public readonly object Gate = new object(); public int Balance; }
        class Bank
        {
            static void Transfer(Account from, Account to, int amount) { lock (from.Gate) { lock (to.Gate) { from.Balance -= amount; to.Balance += amount; } } }
            void Run(Account a, Account b)
            {
                var t1 = new Thread(() => {|#0:Transfer(a, b, 1)|});
                var t2 = new Thread(() => {|#1:Transfer(b, a, 1)|});
                t1.Start(); t2.Start();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("b", "a", "Bank.Run (Test0.cs:9)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("a", "b", "Bank.Run (Test0.cs:8)", ""));

    [Fact]
    public Task Locks_on_the_parameters_themselves_passed_as_fields_in_two_methods() => Verify("""
        class Ledger
        {
            private readonly object _checking = new object();
            private readonly object _savings = new object();
            static void Move(object from, object to) { lock (from) { lock (to) { } } }
            void Save() => {|#0:Move(_checking, _savings)|};
            void Spend() => {|#1:Move(_savings, _checking)|};
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("_savings", "_checking", "Ledger.Spend (Test0.cs:8)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("_checking", "_savings", "Ledger.Save (Test0.cs:7)", ""));

    [Fact]
    public Task Transfers_that_order_the_accounts_by_id_first_are_not_reported() => Verify("""
        class Account { public readonly object Gate = new object(); public int Id; public int Balance; }
        class Bank
        {
            static void Transfer(Account from, Account to, int amount)
            {
                if (from.Id < to.Id) { lock (from.Gate) { lock (to.Gate) { Move(from, to, amount); } } }
                else { lock (to.Gate) { lock (from.Gate) { Move(from, to, amount); } } }
            }
            static void Move(Account from, Account to, int amount) { from.Balance -= amount; to.Balance += amount; }
            void Run(Account a, Account b) { Transfer(a, b, 1); Transfer(b, a, 1); }
        }
        """);

    [Fact]
    public Task Transfers_always_called_in_one_order_are_not_reported() => Verify("""
        class Account { public readonly object Gate = new object(); }
        class Bank
        {
            static void Transfer(Account from, Account to) { lock (from.Gate) { lock (to.Gate) { } } }
            void Run(Account a, Account b, Account c) { Transfer(a, b); Transfer(a, b); Transfer(b, c); }
        }
        """);

    [Fact]
    public Task Transfers_between_accounts_chosen_at_run_time_by_a_Parallel_body_are_reported() => Verify("""
        class Account { public readonly object Gate = new object(); }
        class Bank
        {
            static void Transfer(Account from, Account to) { lock (from.Gate) { lock (to.Gate) { } } }
            void Run(Account[] accounts) => {|#1:Parallel.For(0, accounts.Length, i => {|#0:Transfer(accounts[i], accounts[(i + 1) % accounts.Length])|})|};
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1)
            .WithArguments("accounts[(i + 1) % accounts.Length]", "accounts[i]", "another run of this Parallel body (Test0.cs:6)", ""));

    [Fact]
    public Task Transfers_by_threads_and_tasks_started_in_a_loop_are_reported() => Verify("""
        class Account { public readonly object Gate = new object(); }
        class Bank
        {
            static void Transfer(Account from, Account to) { lock (from.Gate) { lock (to.Gate) { } } }
            void Run(Account[] accounts)
            {
                for (var i = 0; i < accounts.Length; i++)
                {
                    var from = i;
                    {|#1:new Thread(() => {|#0:Transfer(accounts[from], accounts[(from + 1) % accounts.Length])|})|}.Start();
                }

                foreach (var account in accounts)
                {
                    {|#3:Task.Run(() => {|#2:Transfer(account, accounts[0])|})|};
                }
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1)
            .WithArguments("accounts[(from + 1) % accounts.Length]", "accounts[from]", "another thread started by the same loop (Test0.cs:11)", ""),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(2).WithLocation(3)
            .WithArguments("accounts[0]", "account", "another task started by the same loop (Test0.cs:16)", ""));

    [Fact]
    public Task Transfers_between_accounts_chosen_at_run_time_by_code_that_runs_once_are_not_reported() => Verify("""
        class Account { public readonly object Gate = new object(); }
        class Bank
        {
            static void Transfer(Account from, Account to) { lock (from.Gate) { lock (to.Gate) { } } }
            void Run(Account[] accounts)
            {
                Task.Run(() => Transfer(accounts[0], accounts[1]));
                for (var i = 1; i < accounts.Length; i++) { Transfer(accounts[i - 1], accounts[i]); }
            }
        }
        """);

    // ---- hand over hand (issue 12, pattern 8) ----

    [Fact]
    public Task A_lock_handed_over_from_a_lock_body_is_held_in_the_try_that_follows() => Verify("""
        class Connector
        {
            private readonly object _sync = new object();
            private readonly object _cancel = new object();
            private readonly object _cleanup = new object();
            void Cancel()
            {
                lock (_sync) { Monitor.Enter(_cancel); }
                try { lock ([|_cleanup|]) { } } finally { Monitor.Exit(_cancel); }
            }
            void Clean() { lock (_cleanup) { lock ([|_cancel|]) { } } }
        }
        """);

    [Fact]
    public Task A_call_under_a_lock_handed_over_from_a_try_block_reenters_it() => Verify("""
        class Connector
        {
            private readonly object _sync = new object();
            private readonly object _cancel = new object();
            private readonly object _cleanup = new object();
            void Break()
            {
                Monitor.Enter(_sync);
                try { Monitor.Enter(_cleanup); } finally { Monitor.Exit(_sync); }
                try { lock (_cancel) { Cleanup(); } } finally { Monitor.Exit(_cleanup); }
            }
            void Cleanup() { lock (_cleanup) { } }
            void FullCleanup() { lock (_cleanup) { lock (_cancel) { } } }
        }
        """);

    // ---- another instance of the same type (issue 12, pattern 6) ----

    [Fact]
    public Task A_wrapper_calling_the_node_it_wraps_takes_another_instances_locks() => Verify("""
        class Node
        {
            private readonly object _lock = new object();
            private readonly object _stats = new object();
            private readonly Node _inner = null!;
            public void M() { lock (_lock) { _inner.N(); } }
            public void N() { lock (_stats) { lock (_lock) { } } }
            public Node Inner => _inner;
            public void P(Node next) { lock (_lock) { next.N(); Inner.N(); new Node().N(); } }
        }
        """);

    [Fact]
    public Task A_wrapper_target_calling_the_target_it_wraps_through_its_base_type_is_no_cycle() => Verify("""
        abstract class Target
        {
            protected object SyncRoot { get; } = new object();
            public void WriteThreadSafe() { lock (SyncRoot) { Write(); } }
            protected abstract void Write();
        }
        class BufferingWrapper : Target
        {
            private readonly object _buffer = new object();
            public Target Wrapped = null!;
            protected override void Write() { lock (_buffer) { Wrapped.WriteThreadSafe(); } }
        }
        """);

    [Fact]
    public Task A_method_that_recurses_into_the_next_node_under_its_lock() => Verify("""
        class Node
        {
            private readonly object _lock = new object();
            private readonly object _count = new object();
            private Node? _next;
            public void Visit() { lock (_lock) { _next?.Visit(); lock (_count) { } } }
        }
        """);

    [Fact]
    public Task Sibling_wrappers_of_one_base_type_wrapping_each_other_are_no_cycle() => Verify("""
        abstract class Target { public abstract void Write(); }
        class Buffering : Target
        {
            private readonly object _buffer = new object();
            public Target Wrapped = null!;
            public override void Write() { lock (_buffer) { Wrapped.Write(); } }
        }
        class Retrying : Target
        {
            private readonly object _retry = new object();
            public Target Wrapped = null!;
            public override void Write() { lock (_retry) { Wrapped.Write(); } }
        }
        """);

    [Fact]
    public Task A_chain_through_another_type_back_to_another_object_of_the_first_is_no_cycle() => Verify("""
        class Outer
        {
            private readonly object _gate = new object();
            private readonly object _log = new object();
            private readonly Middle _middle = new Middle();
            public void Write() { lock (_gate) { _middle.Forward(); } }
            public void Log() { lock (_log) { } }
            public void Flush() { lock (_log) { lock (_gate) { } } }
        }
        class Middle
        {
            public Outer Next = null!;
            public void Forward() => Next.Log();
        }
        """);

    [Fact]
    public Task The_same_wrapper_taking_its_own_locks_both_ways_is_still_an_inversion() => Verify("""
        abstract class Target
        {
            protected object SyncRoot { get; } = new object();
            public void WriteThreadSafe() { lock (SyncRoot) { [|Write()|]; } }
            protected abstract void Write();
        }
        class BufferingWrapper : Target
        {
            private readonly object _buffer = new object();
            public Target Wrapped = null!;
            protected override void Write() { lock (_buffer) { Wrapped.WriteThreadSafe(); } }
            public void Flush() { lock (_buffer) { lock ([|SyncRoot|]) { } } }
        }
        """);

    [Fact]
    public Task Objects_of_two_types_that_point_at_each_other_are_still_an_inversion() => Verify("""
        class Parent
        {
            private readonly object _children = new object();
            private readonly Child _child = new Child();
            public void Add() { lock (_children) { [|_child.Attach()|]; } }
            public void Changed() { lock (_children) { } }
        }
        class Child
        {
            private readonly object _state = new object();
            public Parent Owner = null!;
            public void Attach() { lock (_state) { } }
            public void Rename() { lock (_state) { [|Owner.Changed()|]; } }
        }
        """);

    [Fact]
    public Task A_call_on_a_derived_receiver_does_not_run_a_sibling_types_override() => Verify("""
        static class Locks { public static readonly object Log = new object(); public static readonly object Net = new object(); public static readonly object Disk = new object(); }
        abstract class Sink { public virtual void Write() { } }
        class FileSink : Sink { }
        class BufferedFileSink : FileSink { public override void Write() { lock (Locks.Disk) { } } }
        class NetSink : Sink { public override void Write() { lock (Locks.Net) { } } }
        class Logger
        {
            private readonly FileSink _file = new BufferedFileSink();
            void Log() { lock (Locks.Log) { _file.Write(); } }
        }
        class Network { void Send() { lock (Locks.Net) { lock (Locks.Log) { } } } }
        """);

    [Fact]
    public Task A_call_on_a_base_receiver_runs_every_override() => Verify("""
        static class Locks { public static readonly object Log = new object(); public static readonly object Net = new object(); public static readonly object Disk = new object(); }
        abstract class Sink { public virtual void Write() { } }
        class FileSink : Sink { }
        class BufferedFileSink : FileSink { public override void Write() { lock (Locks.Disk) { } } }
        class NetSink : Sink { public override void Write() { lock (Locks.Net) { } } }
        class Logger
        {
            private readonly Sink _sink = new NetSink();
            void Log() { lock (Locks.Log) { [|_sink.Write()|]; } }
        }
        class Network { void Send() { lock (Locks.Net) { lock ([|Locks.Log|]) { } } } }
        """);

    [Fact]
    public Task The_message_names_the_calls_through_which_the_site_takes_the_lock() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { {|#0:Record()|}; } }
            void Record() => Write();
            void Write() { lock (_audit) { } }
            void Check() { lock (_audit) { lock ({|#1:_accounts|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("_audit", "_accounts", "Ledger.Check (Test0.cs:9)", " (Record() → Write())"),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("_accounts", "_audit", "Ledger.Post (Test0.cs:6)", ""));

    // ---- stable messages (issue 12, pattern 9) ----

    /// <summary>
    /// One call takes two locks of one name (<c>A.Lock</c>, <c>B.Lock</c>), each closing a cycle:
    /// the site is reported once, for the lock declared first, whatever the order of the files and
    /// whatever the hash codes of the symbols (new in every compilation, so the runs differ).
    /// </summary>
    [Fact]
    public async Task A_site_names_the_same_lock_pair_whatever_the_order_of_files_and_hashes()
    {
        var files = new[]
        {
            ("A.cs", Usings + "static class A { public static readonly object Lock = new object(); public static void Enter() { lock (Lock) { } }\n public static void Back() { lock (Lock) { lock ({|#1:Registry.Gate|}) { } } } }"),
            ("B.cs", Usings + "static class B { public static readonly object Lock = new object(); public static void Enter() { lock (Lock) { } }\n public static void Back() { lock (Lock) { lock ({|#2:Registry.Gate|}) { } } } }"),
            ("Registry.cs", Usings + "static class Registry { public static readonly object Gate = new object(); static void Both() { lock (Gate) { {|#0:Touch()|}; } } static void Touch() { B.Enter(); A.Enter(); } }"),
        };
        foreach (var order in new[] { new[] { 0, 1, 2 }, new[] { 2, 1, 0 }, new[] { 1, 2, 0 }, new[] { 1, 0, 2 }, new[] { 2, 0, 1 }, new[] { 0, 2, 1 } })
        {
            for (var run = 0; run < 2; run++)
            {
                var test = NewTest();
                foreach (var i in order)
                {
                    test.TestState.Sources.Add(files[i]);
                }

                test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("A.Lock", "Gate", "A.Back (A.cs:3)", " (Touch() → Enter())"));
                test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("Registry.Gate", "Lock", "Registry.Both (Registry.cs:2)", ""));
                test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(2).WithLocation(0).WithArguments("Registry.Gate", "Lock", "Registry.Both (Registry.cs:2)", ""));
                await test.RunAsync();
            }
        }
    }
}
