namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>
/// Course 2.10: producers and consumers decoupled by a queue. Consumers loop forever, so something
/// must end them: a sentinel per consumer, or a JoinableQueue whose Join waits for every TaskDone.
/// </summary>
public static class ProducerConsumer
{
    public static void Run()
    {
        WithSentinel();
        WithJoinableQueue();
    }

    /// <summary>Once the producers are done, the parent puts one null (Python's None) per consumer.</summary>
    private static void WithSentinel()
    {
        var queue = new Queue<string?>(maxsize: 4);
        var producers = new[] { "bun", "bao" }.Select(food => new Process((Action<Queue<string?>, string>)Produce, new object?[] { queue, food })).ToList();
        var consumers = new[] { "alex", "egon" }.Select(who => new Process((Action<Queue<string?>, string>)Consume, new object?[] { queue, who })).ToList();
        producers.Concat(consumers).ToList().ForEach(p => p.Start());
        producers.ForEach(p => p.Join());
        consumers.ForEach(_ => queue.Put(null));
        consumers.ForEach(c => c.Join());
        Console.WriteLine("sentinel: producers joined, one null per consumer put, consumers ended");
    }

    /// <summary>
    /// The consumers are daemons that never return; Join on the queue waits until each item was
    /// marked done, then the parent ends them (a Python program would just exit, ending its daemons).
    /// </summary>
    private static void WithJoinableQueue()
    {
        var jobs = new JoinableQueue<string>();
        var producers = new[] { "bun", "bao" }.Select(food => new Process((Action<JoinableQueue<string>, string>)ProduceJobs, new object?[] { jobs, food })).ToList();
        var consumers = new[] { "alex", "egon" }.Select(who => new Process((Action<JoinableQueue<string>, string>)ConsumeJobs, new object?[] { jobs, who }, daemon: true)).ToList();
        producers.Concat(consumers).ToList().ForEach(p => p.Start());
        producers.ForEach(p => p.Join());
        jobs.Join();
        Console.WriteLine("joinable: every job is done (Join returned); ending the daemon consumers");
        consumers.ForEach(c => c.Terminate());
        consumers.ForEach(c => c.Join());
    }

    private static void Produce(Queue<string?> queue, string food)
    {
        for (var i = 1; i <= 3; i++)
        {
            queue.Put($"{food} {i}");
            Console.WriteLine($"  pid {Environment.ProcessId} made {food} {i}");
        }
    }

    private static void Consume(Queue<string?> queue, string who)
    {
        for (string? item; (item = queue.Get()) is not null;)
        {
            Console.WriteLine($"  {who} ate {item}");
            Thread.Sleep(10);
        }

        Console.WriteLine($"  {who} got the sentinel and stops");
    }

    private static void ProduceJobs(JoinableQueue<string> jobs, string food)
    {
        for (var i = 1; i <= 3; i++)
        {
            jobs.Put($"{food} {i}");
        }
    }

    private static void ConsumeJobs(JoinableQueue<string> jobs, string who)
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
