using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.UnreleasedLockAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.UnreleasedLockCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>CONC103: a lock acquired without a guaranteed release.</summary>
public class UnreleasedLockTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource, string extraUsings = "") =>
        VerifyCS.VerifyCodeFixAsync(extraUsings + Usings + source, extraUsings + Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task Monitor_Enter_then_Exit_without_finally() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { {|#0:Monitor.Enter(_gate)|}; _n++; Monitor.Exit(_gate); }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.UnreleasedLock).WithLocation(0).WithArguments("Monitor.Enter(_gate)"));

    [Fact]
    public Task SemaphoreSlim_Wait_and_WaitAsync() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;
            void M() { [|_gate.Wait()|]; _n++; _gate.Release(); }
            async Task N(CancellationToken ct) { await [|_gate.WaitAsync(ct)|]; _n++; _gate.Release(); }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlim_read_and_write() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            int Read() { [|_rw.EnterReadLock()|]; var n = _n; _rw.ExitReadLock(); return n; }
            void Write() { [|_rw.EnterWriteLock()|]; _n++; _rw.ExitWriteLock(); }
        }
        """);

    [Fact]
    public Task Mutex_WaitOne() => Verify("""
        class C { private readonly Mutex _m = new(); private int _n; void M() { [|_m.WaitOne()|]; _n++; _m.ReleaseMutex(); } }
        """);

    [Fact]
    public Task Runtime_Lock_Acquire() => Verify("""
        class C { private readonly Concurrency.Runtime.Threading.Lock _gate = new(); private int _n; void M() { [|_gate.Acquire()|]; _n++; _gate.Release(); } }
        """);

    [Fact]
    public Task Release_only_on_one_branch() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool early) { [|Monitor.Enter(_gate)|]; if (early) { Monitor.Exit(_gate); return; } _n++; Monitor.Exit(_gate); }
        }
        """);

    [Fact]
    public Task Try_without_the_release_in_finally() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { [|Monitor.Enter(_gate)|]; try { _n++; } catch (Exception) { } Monitor.Exit(_gate); }
        }
        """);

    [Fact]
    public Task Finally_releasing_another_lock() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { [|Monitor.Enter(_a)|]; try { } finally { Monitor.Exit(_b); } Monitor.Exit(_a); }
        }
        """);

    [Fact]
    public Task In_a_lambda() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            Action M() => () => { [|Monitor.Enter(_gate)|]; _n++; Monitor.Exit(_gate); };
        }
        """);

    [Fact]
    public Task Static_lock_and_using_static() => VerifyCS.VerifyAnalyzerAsync("using static System.Threading.Monitor;\n" + Usings + """
        class C { private static readonly object Gate = new object(); private static int s_n; static void M() { [|Enter(Gate)|]; s_n++; Exit(Gate); } }
        """);

    [Fact]
    public Task In_a_property_setter_and_an_indexer_getter() => Verify("""
        class Settings
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly int[] _values = new int[4];
            private string _name = "";
            public string Name { get => _name; set { [|Monitor.Enter(_gate)|]; _name = value; Monitor.Exit(_gate); } }
            public int this[int i] { get { [|_rw.EnterReadLock()|]; var v = _values[i]; _rw.ExitReadLock(); return v; } }
        }
        """);

    [Fact]
    public Task In_a_static_constructor() => Verify("""
        class Catalog
        {
            private static readonly SemaphoreSlim Gate = new(1, 1);
            private static readonly System.Collections.Generic.List<string> Items = new();
            static Catalog() { [|Gate.Wait()|]; Items.Add("default"); Gate.Release(); }
        }
        """);

    [Fact]
    public Task In_a_generic_method_of_a_generic_type() => Verify("""
        class Pool<T> where T : new()
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly System.Collections.Generic.Stack<T> _free = new();
            public async Task<T> RentAsync<TState>(TState state)
            {
                await [|_gate.WaitAsync()|];
                var item = _free.Count > 0 ? _free.Pop() : new T();
                _gate.Release();
                return item;
            }
        }
        """);

    [Fact]
    public Task In_both_parts_of_a_partial_class_in_two_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Inventory.cs", Usings + "partial class Inventory { private readonly object _gate = new object(); private int _count; public void Add() { [|Monitor.Enter(_gate)|]; _count++; Monitor.Exit(_gate); } }"));
        test.TestState.Sources.Add(("Inventory.Remove.cs", Usings + "partial class Inventory { public void Remove() { [|Monitor.Enter(_gate)|]; _count--; Monitor.Exit(_gate); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task On_the_lock_of_another_class() => Verify("""
        class Account { internal readonly object Gate = new object(); internal int Balance; }
        class Bank
        {
            public void Deposit(Account account, int amount) { [|Monitor.Enter(account.Gate)|]; account.Balance += amount; Monitor.Exit(account.Gate); }
        }
        """);

    [Fact]
    public Task WaitAsync_awaited_with_ConfigureAwait() => Verify("""
        class Pool
        {
            private readonly SemaphoreSlim _slots = new(4, 4);
            private int _used;
            async Task Use() { await [|_slots.WaitAsync()|].ConfigureAwait(false); _used++; _slots.Release(); }
        }
        """);

    [Fact]
    public Task The_Monitor_pattern_whose_finally_lacks_the_Exit() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { var taken = false; try { [|Monitor.Enter(_gate, ref taken)|]; _n++; if (taken) Monitor.Exit(_gate); } finally { _n--; } }
            void N()
            {
                var taken = false;
                try { [|Monitor.TryEnter(_gate, 100, ref taken)|]; _n++; } finally { _n--; }
                if (taken) Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task Lock_coupling_without_the_marker() => Verify("""
        class Node { public readonly object Gate = new object(); public Node? Next; public int Value; }
        class Chain
        {
            private readonly Node _head = new Node();
            int Sum()
            {
                var current = _head;
                [|Monitor.Enter(current.Gate)|];
                var sum = 0;
                while (current.Next is { } next) { [|Monitor.Enter(next.Gate)|]; Monitor.Exit(current.Gate); sum += next.Value; current = next; }
                Monitor.Exit(current.Gate);
                return sum;
            }
        }
        """);

    [Fact]
    public Task A_marker_whose_partner_does_not_release_the_lock() => Verify("""
        [AttributeUsage(AttributeTargets.Method)] sealed class HandsOverLockAttribute : Attribute { public HandsOverLockAttribute(string partner = "") { } }
        class Gate
        {
            private readonly object _gate = new object();
            private readonly object _other = new object();
            private bool _open;
            [HandsOverLock(nameof(Unlock))]
            public bool TryLock() { [|Monitor.Enter(_gate)|]; if (!_open) { Monitor.Exit(_gate); return false; } return true; }
            public void Unlock() => Monitor.Exit(_other);
        }
        """);

    [Fact]
    public Task Taken_at_the_end_of_a_lock_body_but_not_released_in_the_finally_that_follows() => Verify("""
        class Connector
        {
            private readonly object _sync = new object();
            private readonly object _cancel = new object();
            void Cancel() { lock (_sync) { [|Monitor.Enter(_cancel)|]; } Work(); Monitor.Exit(_cancel); }
            void Break() { Monitor.Enter(_sync); try { [|Monitor.Enter(_cancel)|]; } finally { Work(); Monitor.Exit(_sync); } try { Work(); } finally { Monitor.Exit(_cancel); } }
            void Work() { }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Acquired_in_both_branches_of_an_if_then_released_in_the_following_finally() => Verify("""
        class Pool
        {
            private readonly SemaphoreSlim _clean = new(1, 1);
            private int _cleaned;
            async Task Clean(bool async, CancellationToken token)
            {
                if (async)
                    await _clean.WaitAsync(token).ConfigureAwait(false);
                else
                    _clean.Wait(token);
                try { _cleaned++; }
                finally { _clean.Release(); }
            }
        }
        """);

    [Fact]
    public Task Released_only_when_failing_the_slot_is_handed_to_the_caller() => Verify("""
        class ConnectionPool
        {
            private readonly SemaphoreSlim _sessions = new(10, 10);
            public object Rent(CancellationToken token)
            {
                _sessions.Wait(token);
                try
                {
                    return Open();
                }
                catch (Exception)
                {
                    _sessions.Release();
                    throw;
                }
            }
            public void Return() => _sessions.Release();
            private static object Open() => new object();
        }
        """);


    [Fact]
    public Task Released_in_the_following_finally() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Acquired_inside_a_try_whose_finally_releases() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M() { try { await _gate.WaitAsync(); } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Lock_statement_and_Hold_scope() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private readonly Concurrency.Runtime.Threading.Lock _l = new();
            private int _n;
            void M() { lock (_gate) { _n++; } using (Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_l)) { _n++; } }
        }
        """);

    [Fact]
    public Task Hand_over_hand_from_a_lock_body_or_a_try_block_to_the_try_that_follows() => Verify("""
        class Connector
        {
            private readonly object _sync = new object();
            private readonly object _cancel = new object();
            private readonly object _cleanup = new object();
            private bool _open;
            void Cancel()
            {
                lock (_sync) { if (!_open) return; Monitor.Enter(_cancel); }
                try { Work(); } finally { Monitor.Exit(_cancel); }
            }
            void Break()
            {
                Monitor.Enter(_sync);
                try { _open = false; Monitor.Enter(_cleanup); } finally { Monitor.Exit(_sync); }
                try { Work(); } finally { Monitor.Exit(_cleanup); }
            }
            void Work() { }
        }
        """);

    [Fact]
    public Task Lock_coupling_in_a_method_marked_HandsOverLock() => Verify("""
        [AttributeUsage(AttributeTargets.Method)] sealed class HandsOverLockAttribute : Attribute { public HandsOverLockAttribute(string partner = "") { } }
        class Node { public readonly object Gate = new object(); public Node? Next; public int Value; }
        class Chain
        {
            private readonly Node _head = new Node();
            [HandsOverLock]
            int Sum()
            {
                var current = _head;
                Monitor.Enter(current.Gate);
                var sum = 0;
                while (current.Next is { } next) { Monitor.Enter(next.Gate); Monitor.Exit(current.Gate); sum += next.Value; current = next; }
                Monitor.Exit(current.Gate);
                return sum;
            }
        }
        """);

    [Fact]
    public Task Released_on_failure_and_by_the_partner_the_marker_names() => Verify("""
        namespace App { [AttributeUsage(AttributeTargets.Method)] sealed class HandsOverLock : Attribute { public HandsOverLock(string partner) { } } }
        class Gate
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _slots = new(4, 4);
            private bool _open;
            [App.HandsOverLock(nameof(Unlock))]
            public bool TryLock() { Monitor.Enter(_gate); if (!_open) { Monitor.Exit(_gate); return false; } return true; }
            public void Unlock() => Monitor.Exit(_gate);
            [App.HandsOverLock(nameof(Return))]
            public async Task<bool> RentAsync() { await _slots.WaitAsync(); if (!_open) { _slots.Release(); return false; } return true; }
            public void Return() { _slots.Release(); }
        }
        """);

    [Fact]
    public Task Never_released_in_the_function_is_left_alone() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            public void Enter() => _gate.Wait();
            public void Exit() => _gate.Release();
        }
        """);

    [Fact]
    public Task TryEnter_in_a_condition_is_not_judged() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M() { if (Monitor.TryEnter(_gate)) { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Enter_with_lockTaken_inside_try() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M() { var taken = false; try { Monitor.Enter(_gate, ref taken); } finally { if (taken) Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Zero_timeout_semaphore_try_is_not_an_acquisition_statement() => Verify("""
        class C { private readonly SemaphoreSlim _s = new(1, 1); void M() { if (_s.Wait(0)) { _s.Release(); } } }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { private readonly object _gate = new object(); void M() { Monitor.Enter(_gate); Monitor.Exit(_gate); } }
        """);

    [Fact]
    public Task Property_and_indexer_accessors_that_release_in_finally() => Verify("""
        class Settings
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly int[] _values = new int[4];
            private string _name = "";
            public string Name { get => _name; set { Monitor.Enter(_gate); try { _name = value; } finally { Monitor.Exit(_gate); } } }
            public int this[int i] { get { _rw.EnterReadLock(); try { return _values[i]; } finally { _rw.ExitReadLock(); } } }
        }
        """);

    [Fact]
    public Task Acquired_in_a_getter_and_released_in_the_setter_are_two_functions() => Verify("""
        class Latch
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            public bool Held { get { _gate.Wait(); return true; } set { if (!value) { _gate.Release(); } } }
        }
        """);

    [Fact]
    public Task Static_constructor_and_generic_method_that_release_in_finally() => Verify("""
        class Catalog<T>
        {
            private static readonly SemaphoreSlim Gate = new(1, 1);
            private static readonly System.Collections.Generic.List<T> Items = new();
            static Catalog() { Gate.Wait(); try { Items.Clear(); } finally { Gate.Release(); } }
            public static async Task AddAsync<TSource>(TSource source, Func<TSource, T> convert)
            {
                await Gate.WaitAsync();
                try { Items.Add(convert(source)); } finally { Gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task Enter_and_exit_in_different_parts_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Batch.cs", Usings + "partial class Batch { private readonly object _gate = new object(); public void Begin() { Monitor.Enter(_gate); } }"));
        test.TestState.Sources.Add(("Batch.End.cs", Usings + "partial class Batch { public void End() { Monitor.Exit(_gate); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Acquired_in_one_class_and_released_in_another() => Verify("""
        class Turnstile { public readonly SemaphoreSlim Gate = new(1, 1); }
        class Entrance { public void Pass(Turnstile turnstile) { turnstile.Gate.Wait(); } }
        class Departure { public void Leave(Turnstile turnstile) { turnstile.Gate.Release(); } }
        """);

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_or_a_timed_TryEnter() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { bool taken = false; try { Monitor.Enter(_gate, ref taken); _n++; } finally { if (taken) Monitor.Exit(_gate); } }
            void N() { bool taken = false; try { Monitor.TryEnter(_gate, TimeSpan.FromSeconds(1), ref taken); _n++; } finally { if (taken) Monitor.Exit(_gate); } }
            void K() { if (Monitor.TryEnter(_gate, 100)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Wraps_the_work_in_try_finally() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;

            void M()
            {
                [|Monitor.Enter(_gate)|];
                _n++;
                Console.WriteLine(_n);
                Monitor.Exit(_gate);
                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                try
                {
                    _n++;
                    Console.WriteLine(_n);
                }
                finally
                {
                    Monitor.Exit(_gate);
                }

                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Semaphore_WaitAsync_gets_its_finally() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M()
            {
                await [|_gate.WaitAsync()|];
                _n++;
                _gate.Release();
            }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M()
            {
                await _gate.WaitAsync();
                try
                {
                    _n++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task Runtime_lock_becomes_a_Hold_scope() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;

            void M()
            {
                [|_gate.Acquire()|];
                _n++;
                _gate.Release();
            }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;

            void M()
            {
                using (_gate.Hold())
                {
                    _n++;
                }
            }
        }
        """, "using Concurrency.Runtime.Threading;\n");

    [Fact]
    public Task No_fix_when_a_local_declared_inside_is_used_after_the_release() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            int M() { [|Monitor.Enter(_gate)|]; var copy = _n; Monitor.Exit(_gate); return copy; }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            int M() { [|Monitor.Enter(_gate)|]; var copy = _n; Monitor.Exit(_gate); return copy; }
        }
        """);

    [Fact]
    public Task No_fix_when_the_release_is_not_in_the_same_block() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool b) { [|Monitor.Enter(_gate)|]; _n++; if (b) { Monitor.Exit(_gate); } }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool b) { [|Monitor.Enter(_gate)|]; _n++; if (b) { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Fix_all_handles_nested_locks_and_several_documents()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                void M()
                {
                    [|Monitor.Enter(_a)|];
                    [|Monitor.Enter(_b)|];
                    _n++;
                    Monitor.Exit(_b);
                    Monitor.Exit(_a);
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private readonly SemaphoreSlim _s = new(1, 1);
                private int _n;

                void M()
                {
                    [|_s.Wait()|];
                    _n++;
                    _s.Release();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                void M()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        Monitor.Enter(_b);
                        try
                        {
                            _n++;
                        }
                        finally
                        {
                            Monitor.Exit(_b);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private readonly SemaphoreSlim _s = new(1, 1);
                private int _n;

                void M()
                {
                    _s.Wait();
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        _s.Release();
                    }
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_in_a_property_setter_and_an_indexer_setter() => VerifyFix("""
        class Settings
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly int[] _values = new int[4];
            private string _name = "";

            public string Name
            {
                get => _name;
                set
                {
                    [|Monitor.Enter(_gate)|];
                    _name = value;
                    Monitor.Exit(_gate);
                }
            }

            public int this[int i]
            {
                set
                {
                    [|_rw.EnterWriteLock()|];
                    _values[i] = value;
                    _rw.ExitWriteLock();
                }
            }
        }
        """, """
        class Settings
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly int[] _values = new int[4];
            private string _name = "";

            public string Name
            {
                get => _name;
                set
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _name = value;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }

            public int this[int i]
            {
                set
                {
                    _rw.EnterWriteLock();
                    try
                    {
                        _values[i] = value;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_in_a_static_constructor_writes_a_Hold_scope() => VerifyFix("""
        class Catalog
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            private static int s_count;

            static Catalog()
            {
                [|Gate.Acquire()|];
                s_count = 1;
                Gate.Release();
            }
        }
        """, """
        class Catalog
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            private static int s_count;

            static Catalog()
            {
                using (Gate.Hold())
                {
                    s_count = 1;
                }
            }
        }
        """, "using Concurrency.Runtime.Threading;\n");

    [Fact]
    public Task Fix_in_a_generic_method_of_a_generic_type() => VerifyFix("""
        class Pool<T> where T : new()
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly System.Collections.Generic.Stack<T> _free = new();

            public async Task ReturnAsync<TState>(T item, TState state)
            {
                await [|_gate.WaitAsync()|];
                _free.Push(item);
                _gate.Release();
                Console.WriteLine(state);
            }
        }
        """, """
        class Pool<T> where T : new()
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly System.Collections.Generic.Stack<T> _free = new();

            public async Task ReturnAsync<TState>(T item, TState state)
            {
                await _gate.WaitAsync();
                try
                {
                    _free.Push(item);
                }
                finally
                {
                    _gate.Release();
                }

                Console.WriteLine(state);
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_a_partial_class_across_files_with_sequential_pairs()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Inventory.cs", Usings + """
            partial class Inventory
            {
                private readonly object _gate = new object();
                private int _count;

                public void Move()
                {
                    [|Monitor.Enter(_gate)|];
                    _count--;
                    Monitor.Exit(_gate);
                    [|Monitor.Enter(_gate)|];
                    _count++;
                    Monitor.Exit(_gate);
                }
            }
            """));
        test.TestState.Sources.Add(("Inventory.Slots.cs", Usings + """
            partial class Inventory
            {
                private readonly SemaphoreSlim _slots = new(1, 1);

                public int this[int delta]
                {
                    set
                    {
                        [|_slots.Wait()|];
                        _count += delta * value;
                        _slots.Release();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("Inventory.cs", Usings + """
            partial class Inventory
            {
                private readonly object _gate = new object();
                private int _count;

                public void Move()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _count--;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    Monitor.Enter(_gate);
                    try
                    {
                        _count++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("Inventory.Slots.cs", Usings + """
            partial class Inventory
            {
                private readonly SemaphoreSlim _slots = new(1, 1);

                public int this[int delta]
                {
                    set
                    {
                        _slots.Wait();
                        try
                        {
                            _count += delta * value;
                        }
                        finally
                        {
                            _slots.Release();
                        }
                    }
                }
            }
            """));
        return test.RunAsync();
    }
}
