using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.UnfinishedQueueItemAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.JoinWithoutTaskDoneCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC207: a joinable queue's Join that can never return — items taken and not marked done on some path, or no TaskDone at all; and the fix.</summary>
public class JoinWithoutTaskDoneTests
{
    // Inside the namespace, Queue<T> is the runtime's thread queue and JoinableQueue<T> the inter-process one.
    private const string Usings = "using System; using System.IO; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime.Multiprocessing; using ThreadQueue = Concurrency.Runtime.Queues.Queue<string>;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // The diagnostics are reported, and no fix changes the code.
    private static Task VerifyNoFix(string source) => VerifyFix(source, source);

    private static DiagnosticResult Item(int location, string queue, string reason) =>
        VerifyCS.Diagnostic(RuleDescriptors.JoinWithoutTaskDone).WithLocation(location).WithArguments(queue, reason);

    private static DiagnosticResult NoTaskDone(int location, string queue) =>
        VerifyCS.Diagnostic(RuleDescriptors.JoinWithoutAnyTaskDone).WithLocation(location).WithArguments(queue);

    // The producer sides the tests share: a queue of jobs, a queue of work, something joins each.
    private const string Producer = """
        static class Producer
        {
            public static void Run(JoinableQueue<string> jobs)
            {
                jobs.Put("a");
                jobs.Join();
            }
        }
        """;

    private const string WorkProducer = """
        static class WorkProducer
        {
            public static void Run(ThreadQueue work)
            {
                work.Put("b");
                work.Join();
            }
        }
        """;

    // ---- positives ----

    [Fact]
    public Task An_exception_from_the_work_skips_TaskDone() => Verify(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                while (true)
                {
                    var item = jobs.{|#0:Get()|};
                    Handle(item);
                    jobs.TaskDone();
                }
            }
        }
        """,
        Item(0, "jobs", "not marked done when 'Handle(item)' throws"));

    [Fact]
    public Task A_break_on_the_sentinel_skips_TaskDone() => Verify(WorkProducer + """
        class Consumer
        {
            public static void Run(ThreadQueue work)
            {
                while (true)
                {
                    var item = work.{|#0:Get()|};
                    if (item is null)
                    {
                        break;
                    }

                    Console.WriteLine(item);
                    work.TaskDone();
                }
            }
        }
        """,
        Item(0, "work", "not marked done on a path that runs to the end of the function"));

    [Fact]
    public Task An_early_return_skips_TaskDone() => Verify(Producer + """
        class Consumer
        {
            public static int Run(JoinableQueue<string> jobs)
            {
                var item = jobs.{|#0:Get()|};
                if (item.Length == 0)
                {
                    return 0;
                }

                jobs.TaskDone();
                return 1;
            }
        }
        """,
        Item(0, "jobs", "not marked done when the function returns at line 16"));

    [Fact]
    public Task A_consumer_that_never_calls_TaskDone() => Verify(Producer + """
        class Consumer
        {
            public static void Run(JoinableQueue<string> jobs)
            {
                while (true)
                {
                    Console.WriteLine(jobs.{|#0:Get()|});
                }
            }
            public static void Other(JoinableQueue<string> jobs)
            {
                var item = jobs.Get();
                jobs.TaskDone();
            }
        }
        """,
        Item(0, "jobs", "never marked done by this function"));

    [Fact]
    public Task Nothing_in_the_compilation_calls_TaskDone() => Verify("""
        class C
        {
            private readonly JoinableQueue<int> _jobs = new JoinableQueue<int>();
            public void Produce()
            {
                _jobs.Put(1);
                _jobs.{|#0:Join|}();
            }
            public int Consume() => _jobs.Get();
        }
        """,
        NoTaskDone(0, "_jobs"));

    [Fact]
    public Task GetNowait_and_GetAsync() => Verify(WorkProducer + """
        class Consumer
        {
            static Task SaveAsync(string item) => File.WriteAllTextAsync("out.txt", item);
            public static async Task RunAsync(ThreadQueue work)
            {
                var first = work.{|#0:GetNowait()|};
                await SaveAsync(first);
                work.TaskDone();
                var next = await work.{|#1:GetAsync()|};
                await SaveAsync(next);
                work.TaskDone();
            }
        }
        """,
        Item(0, "work", "not marked done when 'await SaveAsync(first)' throws"),
        Item(1, "work", "not marked done when 'await SaveAsync(next)' throws"));

    [Fact]
    public Task A_field_queue_in_a_thread_lambda() => Verify("""
        class Service
        {
            private readonly ThreadQueue _work = new ThreadQueue();
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        var item = _work.{|#0:Get()|};
                        Handle(item);
                        _work.TaskDone();
                    }
                }).Start();
            }
            public void Drain() => _work.Join();
        }
        """,
        Item(0, "_work", "not marked done when 'Handle(item)' throws"));

    [Fact]
    public Task TaskDone_only_in_a_catch() => Verify(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                var item = jobs.{|#0:Get()|};
                try
                {
                    Handle(item);
                }
                catch (IOException)
                {
                    jobs.TaskDone();
                }
            }
        }
        """,
        Item(0, "jobs", "not marked done on a path that runs to the end of the function"));

    [Fact]
    public Task A_generic_consumer_and_a_LifoQueue() => Verify("""
        class Pipeline
        {
            static void Handle<T>(T item) => File.AppendAllText("log.txt", item!.ToString());
            public static void Consume<T>(JoinableQueue<T> jobs)
            {
                var item = jobs.{|#0:Get()|};
                Handle(item);
                jobs.TaskDone();
            }
            public static void Stack(Concurrency.Runtime.Queues.LifoQueue<int> stack)
            {
                var item = stack.{|#1:Get()|};
                Handle(item);
                stack.TaskDone();
                stack.Join();
            }
            public static void Produce(JoinableQueue<string> jobs) => jobs.Join();
        }
        """,
        Item(0, "jobs", "not marked done when 'Handle(item)' throws"),
        Item(1, "stack", "not marked done when 'Handle(item)' throws"));

    [Fact]
    public Task In_a_local_function_with_a_partial_type() => Verify("""
        partial class Worker
        {
            private readonly JoinableQueue<string> _jobs = new JoinableQueue<string>();
            public void Run()
            {
                void Loop()
                {
                    var job = _jobs.{|#0:Get()|};
                    if (job == "stop") return;
                    _jobs.TaskDone();
                }
                Loop();
            }
        }
        partial class Worker
        {
            public void Wait() => _jobs.Join();
        }
        """,
        Item(0, "_jobs", "not marked done when the function returns at line 10"));

    [Fact]
    public Task A_field_queue_item_used_up_without_TaskDone() => Verify("""
        class Worker
        {
            private readonly ThreadQueue _jobs = new ThreadQueue();
            static int Compute(string job) => job.Length;
            public int ConsumeOne()
            {
                var job = _jobs.{|#0:Get()|};
                return Compute(job);
            }
            public void Consume() { var job = _jobs.Get(); try { Compute(job); } finally { _jobs.TaskDone(); } }
            public void Wait() => _jobs.Join();
        }
        """,
        Item(0, "_jobs", "never marked done by this function"));

    // ---- negatives ----

    [Fact]
    public Task TaskDone_in_a_finally() => Verify(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                while (true)
                {
                    var item = jobs.Get();
                    try
                    {
                        if (item is null) break;
                        Handle(item);
                    }
                    finally
                    {
                        jobs.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Only_harmless_calls_between_Get_and_TaskDone() => Verify(Producer + """
        class Consumer
        {
            public static void Run(JoinableQueue<string> jobs, string who)
            {
                while (true)
                {
                    var item = jobs.Get();
                    Console.WriteLine($"  {who} ate {item}");
                    Thread.Sleep(10);
                    jobs.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task A_queue_nothing_joins() => Verify("""
        class C
        {
            private readonly ThreadQueue _results = new ThreadQueue();
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public void Run()
            {
                while (true)
                {
                    var item = _results.Get();
                    Handle(item);
                }
            }
        }
        """);

    [Fact]
    public Task Another_field_is_joined() => Verify("""
        class C
        {
            private readonly ThreadQueue _jobs = new ThreadQueue();
            private readonly ThreadQueue _results = new ThreadQueue();
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public void Consume()
            {
                var result = _results.Get();
                Handle(result);
                var job = _jobs.Get();
                try { Handle(job); } finally { _jobs.TaskDone(); }
            }
            public void Wait() => _jobs.Join();
        }
        """);

    [Fact]
    public Task The_item_is_returned_to_the_caller() => Verify(Producer + """
        class Consumer
        {
            public static string Next(JoinableQueue<string> jobs) => jobs.Get();
            public static string Take(JoinableQueue<string> jobs)
            {
                return jobs.Get();
            }
            public static void Done(JoinableQueue<string> jobs) => jobs.TaskDone();
        }
        """);

    [Fact]
    public Task Marked_done_through_a_method() => Verify("""
        class C
        {
            private readonly JoinableQueue<string> _jobs = new JoinableQueue<string>();
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            static void Finish(JoinableQueue<string> queue) => queue.TaskDone();
            private void Complete() => _jobs.TaskDone();
            public void Run(JoinableQueue<string> jobs)
            {
                var item = jobs.Get();
                Finish(jobs);
                var job = _jobs.Get();
                Complete();
                Handle(item + job);
            }
            public void Wait() => _jobs.Join();
        }
        """);

    [Fact]
    public Task A_field_whose_items_another_member_marks_done() => Verify("""
        class Pool
        {
            private readonly ThreadQueue _work = new ThreadQueue();
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public string Lease()
            {
                var item = _work.Get();
                Handle(item);
                return item;
            }
            public void Release() => _work.TaskDone();
            public void Drain() => _work.Join();
        }
        """);

    [Fact]
    public Task Not_the_runtime_queues() => Verify("""
        class C
        {
            public void M(System.Collections.Generic.Queue<string> bcl, Concurrency.Runtime.Multiprocessing.Queue<string> plain, Thread thread)
            {
                var a = bcl.Dequeue();
                var b = plain.Get();
                File.Delete(a + b);
                thread.Join();
            }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_moves_TaskDone_into_a_finally() => VerifyFix(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                while (true)
                {
                    var item = jobs.[|Get()|];
                    Handle(item);
                    jobs.TaskDone();
                }
            }
        }
        """, Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                while (true)
                {
                    var item = jobs.Get();
                    try
                    {
                        Handle(item);
                    }
                    finally
                    {
                        jobs.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_covers_the_sentinel_break() => VerifyFix(WorkProducer + """
        class Consumer
        {
            public static void Run(ThreadQueue work)
            {
                while (true)
                {
                    var item = work.[|Get()|];
                    if (item is null)
                    {
                        break;
                    }

                    Console.WriteLine(item);
                    work.TaskDone();
                }
            }
        }
        """, WorkProducer + """
        class Consumer
        {
            public static void Run(ThreadQueue work)
            {
                while (true)
                {
                    var item = work.Get();
                    try
                    {
                        if (item is null)
                        {
                            break;
                        }

                        Console.WriteLine(item);
                    }
                    finally
                    {
                        work.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_writes_a_TaskDone_when_there_is_none() => VerifyFix(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                string item;
                item = jobs.[|Get()|];
                Handle(item);
            }
            public static void Skip(JoinableQueue<string> jobs) => jobs.TaskDone();
        }
        """, Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                string item;
                item = jobs.Get();
                try
                {
                    Handle(item);
                }
                finally
                {
                    jobs.TaskDone();
                }
            }
            public static void Skip(JoinableQueue<string> jobs) => jobs.TaskDone();
        }
        """);

    [Fact]
    public Task Fix_with_await_GetAsync_on_a_field() => VerifyFix("""
        class Service
        {
            private readonly ThreadQueue _work = new ThreadQueue();
            static Task SaveAsync(string item) => File.WriteAllTextAsync("out.txt", item);
            public async Task RunAsync()
            {
                var item = await _work.[|GetAsync()|];
                await SaveAsync(item);
                _work.TaskDone();
            }
            public void Drain() => _work.Join();
        }
        """, """
        class Service
        {
            private readonly ThreadQueue _work = new ThreadQueue();
            static Task SaveAsync(string item) => File.WriteAllTextAsync("out.txt", item);
            public async Task RunAsync()
            {
                var item = await _work.GetAsync();
                try
                {
                    await SaveAsync(item);
                }
                finally
                {
                    _work.TaskDone();
                }
            }
            public void Drain() => _work.Join();
        }
        """);

    [Fact]
    public Task No_fix_when_the_Get_is_inside_the_work_or_the_Join_lacks_any_TaskDone() => VerifyNoFix(Producer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void Run(JoinableQueue<string> jobs)
            {
                Handle(jobs.[|Get()|]);
                jobs.TaskDone();
            }
        }
        class Other
        {
            private readonly JoinableQueue<int> _ids = new JoinableQueue<int>();
            public void Wait() => _ids.[|Join|]();
        }
        """);

    [Fact]
    public Task Fix_all_two_consumers() => VerifyFix(Producer + WorkProducer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void A(JoinableQueue<string> jobs)
            {
                var item = jobs.[|Get()|];
                Handle(item);
                jobs.TaskDone();
            }
            public static void B(ThreadQueue work)
            {
                var item = work.[|Get()|];
                Handle(item);
                work.TaskDone();
            }
        }
        """, Producer + WorkProducer + """
        class Consumer
        {
            static void Handle(string item) => File.AppendAllText("log.txt", item);
            public static void A(JoinableQueue<string> jobs)
            {
                var item = jobs.Get();
                try
                {
                    Handle(item);
                }
                finally
                {
                    jobs.TaskDone();
                }
            }
            public static void B(ThreadQueue work)
            {
                var item = work.Get();
                try
                {
                    Handle(item);
                }
                finally
                {
                    work.TaskDone();
                }
            }
        }
        """);
}
