namespace Chapter03.Threads;

using Concurrency.Runtime.Queues;

/// <summary>Course 3.8 / 5.2: FIFO queue, LIFO stack, priority queue; empty and full errors.</summary>
public static class ThreeQueues
{
    public static void Run()
    {
        var fifo = new Queue<int>(maxsize: 3);
        var lifo = new LifoQueue<int>();
        var priority = new PriorityQueue<(int Priority, string Task)>();
        foreach (var i in new[] { 1, 2, 3 })
        {
            fifo.Put(i);
            lifo.Put(i);
        }

        priority.Put((10, "write report"));
        priority.Put((-5, "fix outage"));
        priority.Put((0, "answer mail"));

        Console.WriteLine($"Queue:         {fifo.Get()} {fifo.Get()} {fifo.Get()}");
        Console.WriteLine($"LifoQueue:     {lifo.Get()} {lifo.Get()} {lifo.Get()}");
        Console.WriteLine($"PriorityQueue: {priority.Get().Task}, {priority.Get().Task}, {priority.Get().Task}");

        try
        {
            fifo.Get(timeout: TimeSpan.FromMilliseconds(100));
        }
        catch (QueueEmptyException)
        {
            Console.WriteLine("Get on an empty queue timed out: QueueEmptyException");
        }

        fifo.Put(1);
        fifo.Put(2);
        fifo.Put(3);
        try
        {
            fifo.PutNowait(4);
        }
        catch (QueueFullException)
        {
            Console.WriteLine($"PutNowait on a full queue (maxsize {fifo.MaxSize}): QueueFullException");
        }
    }
}
