using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.CheckThenActAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.CheckThenActCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC304: lazy initialization, a collection's check-then-add and double-checked locking with no lock around the check and the act; and the fixes.</summary>
public class CheckThenActTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Collections.Concurrent; using System.Threading; using System.Threading.Tasks;\n";

    private const string Lazy = "Lazy initialization";
    private const string Collection = "Check-then-act on the collection";
    private const string TakesLocks = "a type that takes locks";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Race(int check, int act, string shape, string target, string place, string how) =>
        VerifyCS.Diagnostic(RuleDescriptors.CheckThenAct).WithLocation(check).WithLocation(act).WithArguments(shape, target, place, how);

    private static DiagnosticResult DoubleChecked(int check, int act, string field, string place, string how) =>
        VerifyCS.Diagnostic(RuleDescriptors.DoubleCheckedLocking).WithLocation(check).WithLocation(act).WithArguments(field, place, how);

    // ---- positives ----

    [Fact]
    public Task Lazy_initialization_in_a_type_that_takes_locks() => Verify("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            private int _hits;
            public void Hit() { lock (_gate) { _hits++; } }
            public List<int> Items
            {
                get
                {
                    if ({|#0:_items|} == null) {|#1:_items = new List<int>()|};
                    return _items;
                }
            }
        }
        """,
        Race(0, 1, Lazy, "_items", "Test0.cs:12", TakesLocks));

    [Fact]
    public Task Lazy_initialization_with_is_null_in_a_task() => Verify("""
        class Loader
        {
            private string _text;
            public Task Start() => Task.Run(() =>
            {
                if ({|#0:_text|} is null)
                {
                    {|#1:_text = "loaded"|};
                }
            });
        }
        """,
        Race(0, 1, Lazy, "_text", "Test0.cs:9", "Task.Run in Start (Test0.cs:5)"));

    [Fact]
    public Task Coalesce_assignment_in_a_method_a_thread_calls() => Verify("""
        class Worker
        {
            private List<int> _seen;
            public void Start() { new Thread(Work).Start(); }
            private void Work() { Seen().Add(1); }
            private List<int> Seen() => {|#1:{|#0:_seen|} ??= new List<int>()|};
        }
        """,
        Race(0, 1, Lazy, "_seen", "Test0.cs:7", "new Thread in Start (Test0.cs:5), through Seen()"));

    [Fact]
    public Task The_static_lazy_singleton_in_a_type_that_uses_Interlocked() => Verify("""
        class Singleton
        {
            private static Singleton _instance;
            private static int s_created;
            private Singleton() { Interlocked.Increment(ref s_created); }
            public static Singleton Instance
            {
                get
                {
                    if ({|#0:_instance|} == null) {|#1:_instance = new Singleton()|};
                    return _instance;
                }
            }
        }
        """,
        Race(0, 1, Lazy, "_instance", "Test0.cs:11", "a type that uses Interlocked or volatile"));

    [Fact]
    public Task Lazy_initialization_after_an_early_return() => Verify("""
        class Config
        {
            private readonly object _gate = new object();
            private Dictionary<string, string> _values;
            public void Touch() { lock (_gate) { } }
            public Dictionary<string, string> Values()
            {
                if ({|#0:_values|} != null) return _values;
                {|#1:_values = new Dictionary<string, string>()|};
                return _values;
            }
        }
        """,
        Race(0, 1, Lazy, "_values", "Test0.cs:10", TakesLocks));

    [Fact]
    public Task The_check_outside_and_the_act_inside_the_lock() => Verify("""
        class Pool
        {
            private readonly object _gate = new object();
            private object _conn;
            public object Get()
            {
                if ({|#0:_conn|} == null)
                {
                    lock (_gate) { {|#1:_conn = new object()|}; }
                }
                return _conn;
            }
        }
        """,
        Race(0, 1, Lazy, "_conn", "Test0.cs:10", TakesLocks));

    [Fact]
    public Task ContainsKey_then_the_indexer_on_a_field_in_Parallel_For() => Verify("""
        class Index
        {
            private readonly Dictionary<int, string> _names = new Dictionary<int, string>();
            public void Build()
            {
                Parallel.For(0, 10, i =>
                {
                    if (!{|#0:_names|}.ContainsKey(i)) {|#1:_names[i] = i.ToString()|};
                });
            }
        }
        """,
        Race(0, 1, Collection, "_names", "Test0.cs:9", "Parallel.For in Build (Test0.cs:7)"));

    [Fact]
    public Task Contains_then_Add_on_a_captured_set() => Verify("""
        class Crawler
        {
            public void Crawl(string[] urls)
            {
                var seen = new HashSet<string>();
                Parallel.ForEach(urls, url =>
                {
                    if (!{|#0:seen|}.Contains(url))
                    {
                        {|#1:seen.Add(url)|};
                    }
                });
            }
        }
        """,
        Race(0, 1, Collection, "seen", "Test0.cs:11", "Parallel.ForEach in Crawl (Test0.cs:7)"));

    [Fact]
    public Task TryGetValue_else_the_indexer() => Verify("""
        class Memo
        {
            private readonly Dictionary<int, long> _memo = new Dictionary<int, long>();
            public void Start() { new Thread(() => Fib(30)).Start(); }
            private long Fib(int n)
            {
                if ({|#0:_memo|}.TryGetValue(n, out var known)) return known;
                {|#1:_memo[n] = n < 2 ? n : n * 2L|};
                return _memo[n];
            }
        }
        """,
        Race(0, 1, Collection, "_memo", "Test0.cs:9", "new Thread in Start (Test0.cs:5), through Fib()"));

    [Fact]
    public Task ContainsKey_on_a_ConcurrentDictionary_is_still_check_then_act() => Verify("""
        class Registry
        {
            private readonly ConcurrentDictionary<string, int> _ids = new ConcurrentDictionary<string, int>();
            public void Register(string[] names)
            {
                Parallel.ForEach(names, name =>
                {
                    if (!{|#0:_ids|}.ContainsKey(name)) {|#1:_ids[name] = name.Length|};
                });
            }
        }
        """,
        Race(0, 1, Collection, "_ids", "Test0.cs:9", "Parallel.ForEach in Register (Test0.cs:7)"));

    [Fact]
    public Task Double_checked_locking_of_a_non_volatile_field() => Verify("""
        class Service
        {
            private readonly object _gate = new object();
            private Service _instance;
            public Service Instance
            {
                get
                {
                    if ({|#0:_instance|} == null)
                    {
                        lock (_gate)
                        {
                            if (_instance == null) {|#1:_instance = new Service()|};
                        }
                    }
                    return _instance;
                }
            }
        }
        """,
        DoubleChecked(0, 1, "_instance", "Test0.cs:14", TakesLocks));

    [Fact]
    public Task Double_checked_locking_of_a_bool_flag_after_an_early_return() => Verify("""
        class Settings
        {
            private readonly object _gate = new object();
            private bool _loaded;
            private string _name;
            public string Name { get { Load(); return _name; } }
            private void Load()
            {
                if ({|#0:_loaded|}) return;
                lock (_gate)
                {
                    if (!_loaded) { _name = "x"; {|#1:_loaded = true|}; }
                }
            }
        }
        """,
        DoubleChecked(0, 1, "_loaded", "Test0.cs:13", TakesLocks));

    [Fact]
    public Task Double_checked_locking_with_a_coalesce_in_a_generic_static_class() => Verify("""
        static class Holder<T> where T : class, new()
        {
            private static readonly object s_gate = new object();
            private static T s_value;
            public static T Value
            {
                get
                {
                    if ({|#0:s_value|} is null)
                    {
                        lock (s_gate) { {|#1:s_value ??= new T()|}; }
                    }
                    return s_value;
                }
            }
        }
        """,
        DoubleChecked(0, 1, "s_value", "Test0.cs:12", TakesLocks));

    [Fact]
    public Task Across_partial_parts_in_two_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Cache.cs", Usings + """
            partial class Cache
            {
                private readonly object _gate = new object();
                private object _last;
                public void Put(object value) { lock (_gate) { _last = value; } }
            }
            """));
        test.TestState.Sources.Add(("Cache.Read.cs", Usings + """
            partial class Cache
            {
                public object Last() { if ({|#0:_last|} == null) {|#1:_last = new object()|}; return _last; }
            }
            """));
        test.ExpectedDiagnostics.Add(Race(0, 1, Lazy, "_last", "Cache.Read.cs:4", TakesLocks));
        return test.RunAsync(CancellationToken.None);
    }

    // ---- negatives ----

    [Fact]
    public Task A_set_once_guard_that_throws_is_not_a_lazy_initialization() => Verify("""
        class ProfiledCommand
        {
            private readonly object _gate = new object();
            private string Message;
            private string _name;
            public void Touch() { lock (_gate) { } }
            public void SetMessage(string message)
            {
                if (Message is not null) throw new InvalidOperationException("The message is set already.");
                Message = message;
            }
            public void SetName(string name)
            {
                if (_name != null)
                {
                    Console.WriteLine("twice");
                    throw new InvalidOperationException(nameof(SetName));
                }

                _name = name;
            }
        }
        """);

    [Fact]
    public Task A_guard_that_logs_instead_of_throwing_is_still_reported() => Verify("""
        class Config
        {
            private readonly object _gate = new object();
            private string _name;
            public void Touch() { lock (_gate) { } }
            public void SetName(string name)
            {
                if ({|#0:_name|} != null) { Console.WriteLine("set already"); return; }
                {|#1:_name = name|};
            }
        }
        """,
        Race(0, 1, Lazy, "_name", "Test0.cs:10", TakesLocks));

    [Fact]
    public Task Double_checked_locking_of_a_volatile_field() => Verify("""
        class Service
        {
            private readonly object _gate = new object();
            private volatile Service _instance;
            public Service Instance
            {
                get
                {
                    if (_instance == null)
                    {
                        lock (_gate) { if (_instance == null) _instance = new Service(); }
                    }
                    return _instance;
                }
            }
        }
        """);

    [Fact]
    public Task The_whole_check_and_act_inside_the_lock() => Verify("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            private readonly Dictionary<int, int> _counts = new Dictionary<int, int>();
            public List<int> Items() { lock (_gate) { if (_items == null) _items = new List<int>(); return _items; } }
            public void Count(int[] keys)
            {
                Parallel.ForEach(keys, k => { lock (_gate) { if (!_counts.ContainsKey(k)) _counts[k] = 0; } });
            }
        }
        """);

    [Fact]
    public Task Lazy_LazyInitializer_and_CompareExchange() => Verify("""
        class Holders
        {
            private readonly object _gate = new object();
            private readonly Lazy<List<int>> _lazy = new Lazy<List<int>>(() => new List<int>());
            private List<int> _a;
            private List<int> _b;
            public void Touch() { lock (_gate) { } }
            public List<int> A() => LazyInitializer.EnsureInitialized(ref _a, () => new List<int>());
            public List<int> B()
            {
                if (_b == null) Interlocked.CompareExchange(ref _b, new List<int>(), null);
                return _b;
            }
            public List<int> C() => _lazy.Value;
        }
        """);

    [Fact]
    public Task GetOrAdd_and_TryAdd_on_a_ConcurrentDictionary() => Verify("""
        class Registry
        {
            private readonly ConcurrentDictionary<string, int> _ids = new ConcurrentDictionary<string, int>();
            public void Register(string[] names)
            {
                Parallel.ForEach(names, name =>
                {
                    _ids.GetOrAdd(name, n => n.Length);
                    if (!_ids.ContainsKey(name)) _ids.TryAdd(name, 1);
                });
            }
        }
        """);

    [Fact]
    public Task A_local_no_lambda_captures() => Verify("""
        class Counter
        {
            public void Count(string[][] batches)
            {
                Parallel.ForEach(batches, batch =>
                {
                    var seen = new HashSet<string>();
                    foreach (var word in batch)
                    {
                        if (!seen.Contains(word)) seen.Add(word);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Constructor_code() => Verify("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            private static List<int> s_shared;
            static Cache() { if (s_shared == null) s_shared = new List<int>(); }
            public Cache() { if (_items == null) _items = new List<int>(); }
            public void Touch() { lock (_gate) { } }
        }
        """);

    [Fact]
    public Task A_plain_single_threaded_class() => Verify("""
        class Report
        {
            private List<string> _lines;
            private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
            public List<string> Lines => _lines ??= new List<string>();
            public void Add(string word)
            {
                if (_lines == null) _lines = new List<string>();
                if (!_counts.ContainsKey(word)) _counts[word] = 0;
            }
        }
        """);

    [Fact]
    public Task ThreadStatic_and_GuardedBy_fields() => Verify("""
        class Buffers
        {
            private readonly object _gate = new object();
            [ThreadStatic] private static byte[] t_buffer;
            [Concurrency.Runtime.GuardedBy(nameof(_gate))] private List<int> _guarded;
            public void Touch() { lock (_gate) { } }
            public byte[] Buffer() { if (t_buffer == null) t_buffer = new byte[16]; return t_buffer; }
            public List<int> Guarded() => _guarded ??= new List<int>();
        }
        """);

    [Fact]
    public Task A_different_key_and_a_different_collection_are_not_the_act() => Verify("""
        class Index
        {
            private readonly Dictionary<int, string> _names = new Dictionary<int, string>();
            private readonly Dictionary<int, string> _other = new Dictionary<int, string>();
            public void Build()
            {
                Parallel.For(0, 10, i =>
                {
                    if (!_names.ContainsKey(i)) _other[i] = "x";
                    if (!_names.ContainsKey(i)) Console.WriteLine(_names[i + 1]);
                });
            }
        }
        """);

    [Fact]
    public Task A_lambda_stored_for_later_and_a_Volatile_Write_in_double_checked_locking() => Verify("""
        class Later
        {
            private object _value;
            private Func<object> _factory;
            public void Prepare() { _factory = () => { if (_value == null) _value = new object(); return _value; }; }
            public object Make() => _factory();
        }
        class Service
        {
            private readonly object _gate = new object();
            private object _value;
            public object Get()
            {
                if (_value == null)
                {
                    lock (_gate) { if (_value == null) Volatile.Write(ref _value, new object()); }
                }
                return _value;
            }
        }
        """);

    [Fact]
    public Task A_private_helper_every_caller_calls_under_the_lock() => Verify("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            public void A() { lock (_gate) { Ensure(); } }
            public void B() { lock (_gate) { Ensure(); _items.Add(1); } }
            private void Ensure() { if (_items == null) _items = new List<int>(); }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_lazy_initialization_with_EnsureInitialized_and_fold_the_return() => VerifyFix("""
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            public void Touch() { lock (_gate) { } }
            public List<int> Items()
            {
                if ([|_items|] == null) _items = new List<int>(4);
                return _items;
            }
        }
        """, """
        class Cache
        {
            private readonly object _gate = new object();
            private List<int> _items;
            public void Touch() { lock (_gate) { } }
            public List<int> Items()
            {
                return LazyInitializer.EnsureInitialized(ref _items, () => new List<int>(4));
            }
        }
        """);

    [Fact]
    public Task Fix_lazy_initialization_in_a_block_without_a_return() => VerifyFix("""
        class Loader
        {
            private string _text;
            public Task Start() => Task.Run(() =>
            {
                if ([|_text|] is null)
                {
                    _text = "loaded";
                }
                Console.WriteLine(_text);
            });
        }
        """, """
        class Loader
        {
            private string _text;
            public Task Start() => Task.Run(() =>
            {
                LazyInitializer.EnsureInitialized(ref _text, () => "loaded");
                Console.WriteLine(_text);
            });
        }
        """);

    [Fact]
    public Task Fix_a_coalesce_assignment_and_add_the_using()
    {
        var test = new VerifyCS.Test
        {
            TestCode = """
                using System.Collections.Generic;
                class Worker
                {
                    private List<int> _seen;
                    public void Start() { new System.Threading.Thread(Work).Start(); }
                    private void Work() { Seen().Add(1); }
                    private List<int> Seen() => [|_seen|] ??= new List<int>();
                }
                """,
            FixedCode = """
                using System.Collections.Generic;
                using System.Threading;
                class Worker
                {
                    private List<int> _seen;
                    public void Start() { new System.Threading.Thread(Work).Start(); }
                    private void Work() { Seen().Add(1); }
                    private List<int> Seen() => LazyInitializer.EnsureInitialized(ref _seen, () => new List<int>());
                }
                """,
        };
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Fix_ContainsKey_then_indexer_on_a_ConcurrentDictionary_with_TryAdd() => VerifyFix("""
        class Registry
        {
            private readonly ConcurrentDictionary<string, int> _ids = new ConcurrentDictionary<string, int>();
            public void Register(string[] names)
            {
                Parallel.ForEach(names, name =>
                {
                    if (![|_ids|].ContainsKey(name)) _ids[name] = name.Length;
                });
            }
        }
        """, """
        class Registry
        {
            private readonly ConcurrentDictionary<string, int> _ids = new ConcurrentDictionary<string, int>();
            public void Register(string[] names)
            {
                Parallel.ForEach(names, name =>
                {
                    _ids.TryAdd(name, name.Length);
                });
            }
        }
        """);

    [Fact]
    public Task Fix_double_checked_locking_with_volatile() => VerifyFix("""
        class Service
        {
            private readonly object _gate = new object();
            private static Service s_instance;
            public static Service Instance
            {
                get
                {
                    if ([|s_instance|] == null)
                    {
                        lock (_gateOf) { if (s_instance == null) s_instance = new Service(); }
                    }
                    return s_instance;
                }
            }
            private static readonly object _gateOf = new object();
        }
        """, """
        class Service
        {
            private readonly object _gate = new object();
            private static volatile Service s_instance;
            public static Service Instance
            {
                get
                {
                    if (s_instance == null)
                    {
                        lock (_gateOf) { if (s_instance == null) s_instance = new Service(); }
                    }
                    return s_instance;
                }
            }
            private static readonly object _gateOf = new object();
        }
        """);

    [Fact]
    public Task Fix_all_in_a_document() => VerifyFix("""
        class Caches
        {
            private readonly object _gate = new object();
            private List<int> _a;
            private Dictionary<int, int> _b;
            private object _c;
            public List<int> A() { if ([|_a|] == null) _a = new List<int>(); return _a; }
            public Dictionary<int, int> B() => [|_b|] ??= new Dictionary<int, int>();
            public object C()
            {
                if ([|_c|] == null) { lock (_gate) { if (_c == null) _c = new object(); } }
                return _c;
            }
        }
        """, """
        class Caches
        {
            private readonly object _gate = new object();
            private List<int> _a;
            private Dictionary<int, int> _b;
            private volatile object _c;
            public List<int> A() { return LazyInitializer.EnsureInitialized(ref _a, () => new List<int>()); }
            public Dictionary<int, int> B() => LazyInitializer.EnsureInitialized(ref _b, () => new Dictionary<int, int>());
            public object C()
            {
                if (_c == null) { lock (_gate) { if (_c == null) _c = new object(); } }
                return _c;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_set_or_a_value_type() => VerifyNoFix("""
        class Crawler
        {
            private readonly object _gate = new object();
            private int? _size;
            public void Touch() { lock (_gate) { } }
            public int Size() { if ([|_size|] == null) _size = 4; return _size.Value; }
            public void Crawl(string[] urls)
            {
                var seen = new HashSet<string>();
                Parallel.ForEach(urls, url => { if (![|seen|].Contains(url)) seen.Add(url); });
            }
        }
        """);
}
