using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.SharedState.UnsafeCollectionAnalyzer,
    Concurrency.CodeFixes.Rules.SharedState.UnsafeCollectionCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.SharedState;

/// <summary>CONC303: a collection that is not thread-safe mutated without a lock from concurrent code; and the fix.</summary>
public class UnsafeCollectionTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private const string UsingsWithConcurrent = "using System;\nusing System.Collections.Concurrent;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource, params DiagnosticResult[] expected) => VerifyCS.VerifyCodeFixAsync(Usings + source, fixedSource, expected);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + source);

    // Mutated in code that runs concurrently with itself (location 0; the other access, if any, location 1).
    private static DiagnosticResult WithItself(int location, string name, string type, string context, string alternative) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnsafeCollection).WithLocation(location).WithArguments(name, type, context, alternative);

    private static DiagnosticResult WithItself(int location) => new DiagnosticResult(RuleIds.UnsafeCollection, Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(location);

    // Mutated while another access runs (location 0), with that access as location 1.
    private static DiagnosticResult Shared(int location, int partner) =>
        new DiagnosticResult(RuleIds.UnsafeCollection, Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(location).WithLocation(partner);

    private static DiagnosticResult Shared(int location, int partner, string name, string type, string place, string context, string alternative) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnsafeCollectionShared).WithLocation(location).WithLocation(partner).WithArguments(name, type, place, context, alternative);

    // ---- positives ----

    [Fact]
    public Task A_captured_list_added_to_in_Parallel_ForEach() => Verify("""
        class Squares
        {
            public static List<int> Of(int[] items)
            {
                var results = new List<int>();
                Parallel.ForEach(items, x => {|#0:results.Add(x * x)|});
                return results;
            }
        }
        """,
        WithItself(0, "results", "List<int>", "Parallel.ForEach in Of (Test0.cs:12)", "ConcurrentBag<T>"));

    [Fact]
    public Task A_dictionary_indexer_set_in_Parallel_For() => Verify("""
        class Table
        {
            private readonly Dictionary<int, string> _names = new Dictionary<int, string>();
            public void Fill(int n)
            {
                Parallel.For(0, n, i =>
                {
                    {|#0:_names[i]|} = i.ToString();
                });
            }
        }
        """,
        WithItself(0, "_names", "Dictionary<int, string>", "Parallel.For in Fill (Test0.cs:12)", "ConcurrentDictionary<TKey, TValue>"));

    [Fact]
    public Task A_hash_set_in_PLINQ_ForAll() => Verify("""
        class Words
        {
            public static int Distinct(string[] words)
            {
                var seen = new HashSet<string>();
                words.AsParallel().ForAll(w => {|#0:seen.Add(w)|});
                return seen.Count;
            }
        }
        """,
        WithItself(0));

    [Fact]
    public Task A_captured_list_in_tasks_started_in_a_loop() => Verify("""
        class Crawler
        {
            public static async Task<List<string>> Crawl(string[] urls)
            {
                var pages = new List<string>();
                var tasks = new List<Task>();
                foreach (var url in urls)
                {
                    tasks.Add(Task.Run(() => { {|#0:pages.Add(url)|}; }));
                }

                await Task.WhenAll(tasks);
                return pages;
            }
        }
        """,
        WithItself(0));

    [Fact]
    public Task A_field_mutated_by_a_task_while_the_starter_reads_it() => Verify("""
        class Log
        {
            private readonly List<string> _lines = new List<string>();
            public int Run()
            {
                var task = Task.Run(() => { {|#0:_lines.Add("started")|}; });
                var count = {|#1:_lines|}.Count;
                task.Wait();
                return count;
            }
        }
        """,
        Shared(0, 1, "_lines", "List<string>", "Test0.cs:13", "Task.Run in Run (Test0.cs:12)", "ConcurrentBag<T>"));

    [Fact]
    public Task A_queue_field_used_by_a_thread_and_a_task() => Verify("""
        class Pipeline
        {
            private readonly Queue<int> _work = new Queue<int>();
            public void Produce()
            {
                var t = new Thread(() => { for (var i = 0; i < 10; i++) { {|#0:{|#3:_work|}.Enqueue(i)|}; } });
                t.Start();
            }
            public void Consume()
            {
                Task.Run(() => { while ({|#2:{|#1:_work|}.TryDequeue(out var item)|}) { Console.WriteLine(item); } });
            }
        }
        """,
        Shared(0, 1),
        Shared(2, 3));

    [Fact]
    public Task A_string_builder_appended_to_by_a_timer() => Verify("""
        class Ticker
        {
            private readonly StringBuilder _log = new StringBuilder();
            private Timer? _timer;
            public void Start()
            {
                _timer = new Timer(_ => {|#0:_log.Append('.')|}, null, 0, 100);
            }
        }
        """,
        WithItself(0, "_log", "StringBuilder", "new Timer in Start (Test0.cs:13)", "ConcurrentQueue<string>"));

    [Fact]
    public Task A_static_dictionary_in_two_delegates_of_Parallel_Invoke() => Verify("""
        static class Cache
        {
            private static readonly Dictionary<string, int> Sizes = new Dictionary<string, int>();
            public static void Warm()
            {
                Parallel.Invoke(
                    () => {|#0:Sizes.Add("a", 1)|},
                    () => { if ({|#1:Sizes|}.TryGetValue("a", out var size)) { Console.WriteLine(size); } });
            }
        }
        """,
        Shared(0, 1));

    [Fact]
    public Task A_private_helper_called_from_a_Parallel_body() => Verify("""
        class Indexer
        {
            private readonly SortedDictionary<string, int> _index = new SortedDictionary<string, int>();
            public void Build(string[] words) => Parallel.ForEach(words, w => Record(w));
            private void Record(string word)
            {
                {|#0:_index.Remove(word)|};
            }
        }
        """,
        WithItself(0, "_index", "SortedDictionary<string, int>", "Parallel.ForEach in Build (Test0.cs:10), through Record()", "ConcurrentDictionary<TKey, TValue>"));

    [Fact]
    public Task The_starter_adding_while_its_thread_enumerates() => Verify("""
        class Report
        {
            public static void Print()
            {
                var rows = new List<int> { 1, 2, 3 };
                var printer = new Thread(() => { foreach (var r in {|#1:rows|}) { Console.WriteLine(r); } });
                printer.Start();
                {|#0:rows.Add(4)|};
                printer.Join();
            }
        }
        """,
        Shared(0, 1));

    [Fact]
    public Task A_field_of_a_partial_type_in_another_file() => new VerifyCS.Test
    {
        TestState =
        {
            Sources =
            {
                Usings + """
                partial class Stats
                {
                    private readonly LinkedList<double> _samples = new LinkedList<double>();
                }
                """,
                Usings + """
                partial class Stats
                {
                    public void Sample(double[] values) => Parallel.ForEach(values, v => {|#0:_samples.AddLast(v)|});
                }
                """,
            },
            ExpectedDiagnostics = { WithItself(0) },
        },
    }.RunAsync();

    [Fact]
    public Task A_generic_type_and_its_list_of_T() => Verify("""
        class Collector<T>
        {
            private readonly List<T> _items = new List<T>();
            public void Collect(IEnumerable<T> source)
            {
                Parallel.ForEach(source, item =>
                {
                    {|#0:_items.Insert(0, item)|};
                });
            }
        }
        """,
        WithItself(0, "_items", "List<T>", "Parallel.ForEach in Collect (Test0.cs:12)", "ConcurrentBag<T>"));

    [Fact]
    public Task A_collection_kept_in_an_auto_property() => Verify("""
        class Registry
        {
            public Stack<int> Ids { get; } = new Stack<int>();
            public void Register(int n)
            {
                Parallel.For(0, n, i => {|#0:Ids.Push(i)|});
            }
        }
        """,
        WithItself(0, "Ids", "Stack<int>", "Parallel.For in Register (Test0.cs:12)", "ConcurrentStack<T>"));

    [Fact]
    public Task A_locked_mutation_with_an_unlocked_read_of_the_starter() => Verify("""
        class Inbox
        {
            private readonly object _gate = new object();
            private readonly List<string> _messages = new List<string>();
            public int Receive()
            {
                var t = Task.Run(() => { lock (_gate) { {|#0:_messages.Add("hi")|}; } });
                var seen = {|#1:_messages|}.Count;
                t.Wait();
                return seen;
            }
        }
        """,
        Shared(0, 1));

    [Fact]
    public Task A_dictionary_TryAdd_extension_through_the_interface() => Verify("""
        class Seen
        {
            public static void Mark(int[] ids)
            {
                var seen = new SortedList<int, bool>();
                Parallel.ForEach(ids, id => { {|#0:seen.TryAdd(id, true)|}; });
            }
        }
        """,
        WithItself(0));

    // ---- negatives ----

    [Fact]
    public Task A_concurrent_collection_is_left_alone() => Verify("""
        class Squares
        {
            public static int Of(int[] items)
            {
                var bag = new System.Collections.Concurrent.ConcurrentBag<int>();
                var queue = new System.Collections.Concurrent.BlockingCollection<int>();
                var dictionary = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
                var channel = System.Threading.Channels.Channel.CreateUnbounded<int>();
                var list = System.Collections.Immutable.ImmutableList<int>.Empty;
                Parallel.ForEach(items, x =>
                {
                    bag.Add(x);
                    queue.Add(x);
                    dictionary[x] = x;
                    channel.Writer.TryWrite(x);
                    System.Collections.Immutable.ImmutableInterlocked.Update(ref list, l => l.Add(x));
                });
                return bag.Count + list.Count;
            }
        }
        """);

    [Fact]
    public Task A_mutation_under_a_lock_every_access_holds() => Verify("""
        class Squares
        {
            private readonly object _gate = new object();
            private readonly List<int> _results = new List<int>();
            public int Of(int[] items)
            {
                Parallel.ForEach(items, x => { lock (_gate) { _results.Add(x * x); } });
                lock (_gate) { return _results.Count; }
            }
        }
        """);

    [Fact]
    public Task A_collection_created_inside_the_concurrent_lambda() => Verify("""
        class Splitter
        {
            public static void Split(string[] lines)
            {
                Parallel.ForEach(lines, line =>
                {
                    var words = new List<string>();
                    foreach (var w in line.Split(' ')) { words.Add(w); }
                    var sb = new StringBuilder();
                    sb.Append(words.Count);
                    Console.WriteLine(sb);
                });
            }
        }
        """);

    [Fact]
    public Task Parallel_For_with_thread_local_lists_merged_under_a_lock() => Verify("""
        class Primes
        {
            public static List<int> Find(int n)
            {
                var all = new List<int>();
                var gate = new object();
                Parallel.For(0, n,
                    () => new List<int>(),
                    (i, state, local) => { if (i % 2 == 1) { local.Add(i); } return local; },
                    local => { lock (gate) { all.AddRange(local); } });
                return all;
            }
        }
        """);

    [Fact]
    public Task The_starter_mutating_before_Start_and_after_Join() => Verify("""
        class Batch
        {
            private readonly List<int> _done = new List<int>();
            public int Run()
            {
                var worker = new Thread(() => _done.Add(1));
                _done.Add(0);
                worker.Start();
                worker.Join();
                _done.Add(2);
                return _done.Count;
            }
        }
        """);

    [Fact]
    public Task A_lookup_table_built_in_the_constructor_and_only_read() => Verify("""
        class Codes
        {
            private readonly Dictionary<string, int> _codes = new Dictionary<string, int>();
            public Codes()
            {
                _codes.Add("a", 1);
                _codes["b"] = 2;
            }
            public int Sum(string[] keys)
            {
                var total = 0;
                Parallel.ForEach(keys, k => { if (_codes.TryGetValue(k, out var v)) { Interlocked.Add(ref total, v); } });
                return total;
            }
        }
        """);

    [Fact]
    public Task Code_with_no_concurrent_context() => Verify("""
        class Plain
        {
            private readonly List<int> _items = new List<int>();
            public void Fill(int n)
            {
                for (var i = 0; i < n; i++) { _items.Add(i); }
                n.ToString().ToList().ForEach(c => _items.Add(c));
            }
        }
        """);

    [Fact]
    public Task Thread_static_fields_and_thread_local_values() => Verify("""
        class PerThread
        {
            [ThreadStatic]
            private static List<int>? t_items;
            private readonly ThreadLocal<List<int>> _local = new ThreadLocal<List<int>>(() => new List<int>());
            public void Run(int n)
            {
                Parallel.For(0, n, i =>
                {
                    (t_items ??= new List<int>()).Add(i);
                    _local.Value!.Add(i);
                });
            }
        }
        """);

    [Fact]
    public Task A_task_awaited_before_the_starter_touches_the_field() => Verify("""
        class Loader
        {
            private readonly List<string> _rows = new List<string>();
            public async Task<int> Load()
            {
                await Task.Run(() => _rows.Add("row"));
                _rows.Add("last");
                return _rows.Count;
            }
        }
        """);

    [Fact]
    public Task Tasks_one_after_the_other() => Verify("""
        class Steps
        {
            private readonly Queue<int> _steps = new Queue<int>();
            public async Task Run()
            {
                await Task.Run(() => _steps.Enqueue(1));
                await Task.Run(() => _steps.Dequeue());
            }
        }
        """);

    [Fact]
    public Task The_starter_after_a_Parallel_loop_that_only_reads() => Verify("""
        class Sums
        {
            public static int Run(int[] items)
            {
                var list = new List<int>(items);
                var total = 0;
                Parallel.ForEach(items, x => Interlocked.Add(ref total, list.Count));
                list.Add(total);
                return list.Count;
            }
        }
        """);

    [Fact]
    public Task Each_object_s_own_field_through_the_lambda_parameter() => Verify("""
        class Worker
        {
            public readonly List<int> Items = new List<int>();
        }
        class Team
        {
            public static void Run(Worker[] workers)
            {
                Parallel.ForEach(workers, w => w.Items.Add(1));
            }
        }
        """);

    // Real code (StackExchange.Redis): the object a lock statement locks is not an unlocked access of it.
    [Fact]
    public Task A_queue_locked_on_itself_everywhere() => Verify("""
        class Connection
        {
            private readonly Queue<int> _pending = new Queue<int>();
            public void Start() { for (var i = 0; i < 4; i++) Task.Run(() => Send(i)); }
            private void Send(int message) { lock (_pending) { _pending.Enqueue(message); } }
            public int Count() { lock (_pending) { return _pending.Count; } }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_a_local_list_becomes_a_concurrent_bag() => VerifyFix("""
        class Squares
        {
            public static int Of(int[] items)
            {
                var results = new List<int>();
                Parallel.ForEach(items, x =>
                {
                    [|results.Add(x * x)|];
                });
                return results.Count + results.Sum();
            }
        }
        """, UsingsWithConcurrent + """
        class Squares
        {
            public static int Of(int[] items)
            {
                var results = new ConcurrentBag<int>();
                Parallel.ForEach(items, x =>
                {
                    results.Add(x * x);
                });
                return results.Count + results.Sum();
            }
        }
        """);

    [Fact]
    public Task Fix_a_private_queue_field_becomes_a_concurrent_queue() => VerifyFix("""
        class Jobs
        {
            private Queue<int> _pending = new();
            public void Start(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var id = i;
                    Task.Run(() => [|_pending.Enqueue(id)|]);
                }
            }
            public bool Next(out int id) => _pending.TryDequeue(out id);
        }
        """, UsingsWithConcurrent + """
        class Jobs
        {
            private ConcurrentQueue<int> _pending = new();
            public void Start(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var id = i;
                    Task.Run(() => _pending.Enqueue(id));
                }
            }
            public bool Next(out int id) => _pending.TryDequeue(out id);
        }
        """);

    [Fact]
    public Task Fix_a_dictionary_becomes_a_concurrent_dictionary_with_TryAdd() => VerifyFix("""
        class Index
        {
            private readonly Dictionary<string, int> _first = new Dictionary<string, int>();
            public void Build(string[] words)
            {
                Parallel.For(0, words.Length, i =>
                {
                    if (!_first.ContainsKey(words[i]))
                    {
                        [|_first.Add(words[i], i)|];
                    }
                    [|_first[words[i] + "!"]|] = i;
                });
            }
            public int Count => _first.Count;
        }
        """, UsingsWithConcurrent + """
        class Index
        {
            private readonly ConcurrentDictionary<string, int> _first = new ConcurrentDictionary<string, int>();
            public void Build(string[] words)
            {
                Parallel.For(0, words.Length, i =>
                {
                    _first.TryAdd(words[i], i);
                    _first[words[i] + "!"] = i;
                });
            }
            public int Count => _first.Count;
        }
        """);

    [Fact]
    public Task Fix_a_stack_becomes_a_concurrent_stack() => VerifyFix("""
        class Undo
        {
            public static int Run(int n)
            {
                Stack<int> done = new Stack<int>();
                Parallel.For(0, n, i => { [|done.Push(i)|]; });
                return done.TryPop(out var last) ? last : -1;
            }
        }
        """, UsingsWithConcurrent + """
        class Undo
        {
            public static int Run(int n)
            {
                ConcurrentStack<int> done = new ConcurrentStack<int>();
                Parallel.For(0, n, i => { done.Push(i); });
                return done.TryPop(out var last) ? last : -1;
            }
        }
        """);

    [Fact]
    public Task Fix_a_hash_set_gets_a_lock_on_a_new_gate() => VerifyFix("""
        class Words
        {
            private readonly HashSet<string> _seen = new HashSet<string>();
            public void Add(string[] words)
            {
                Parallel.ForEach(words, w =>
                {
                    [|_seen.Add(w)|];
                });
            }
        }
        """, Usings + """
        class Words
        {
            private readonly object _gate = new object();
            private readonly HashSet<string> _seen = new HashSet<string>();
            public void Add(string[] words)
            {
                Parallel.ForEach(words, w =>
                {
                    lock (_gate)
                    {
                        _seen.Add(w);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Fix_uses_the_type_s_existing_gate() => VerifyFix("""
        class Words
        {
            private readonly object _sync = new object();
            private readonly List<string> _order = new List<string>();
            public void Add(string[] words)
            {
                Parallel.ForEach(words, w =>
                {
                    [|_order.Insert(0, w)|];
                });
            }
            public string First() { lock (_sync) { return _order[0]; } }
        }
        """, Usings + """
        class Words
        {
            private readonly object _sync = new object();
            private readonly List<string> _order = new List<string>();
            public void Add(string[] words)
            {
                Parallel.ForEach(words, w =>
                {
                    lock (_sync)
                    {
                        _order.Insert(0, w);
                    }
                });
            }
            public string First() { lock (_sync) { return _order[0]; } }
        }
        """);

    [Fact]
    public Task Fix_all_shares_one_static_gate_and_changes_each_type_once() => VerifyFix("""
        static class Stats
        {
            public static void Run(int[] items)
            {
                var sorted = new SortedSet<int>();
                var squares = new List<int>();
                Parallel.ForEach(items, x =>
                {
                    [|sorted.Add(x)|];
                    [|sorted.Remove(-x)|];
                    [|squares.Add(x * x)|];
                    [|squares.Add(-x * x)|];
                });
                Console.WriteLine(sorted.Count + squares.Count);
            }
        }
        """, UsingsWithConcurrent + """
        static class Stats
        {
            private static readonly object _gate = new object();

            public static void Run(int[] items)
            {
                var sorted = new SortedSet<int>();
                var squares = new ConcurrentBag<int>();
                Parallel.ForEach(items, x =>
                {
                    lock (_gate)
                    {
                        sorted.Add(x);
                        sorted.Remove(-x);
                    }
                    squares.Add(x * x);
                    squares.Add(-x * x);
                });
                Console.WriteLine(sorted.Count + squares.Count);
            }
        }
        """);

    [Fact]
    public Task No_fix_for_an_expression_lambda_an_incompatible_use_or_top_level_code() => VerifyNoFix("""
        class Words
        {
            public static List<string> Add(string[] words)
            {
                var seen = new List<string>();
                Parallel.ForEach(words, w => [|seen.Insert(0, w)|]);
                return seen;
            }
        }
        """);
}
