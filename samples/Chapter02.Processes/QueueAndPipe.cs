namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Course 2.8/2.9: processes share no memory; they talk through a queue (pipe + lock) or a pipe.</summary>
public static class QueueAndPipe
{
    public static void Run()
    {
        // A process queue: put in the child, get in the parent. Items are copies (they travel as JSON).
        var queue = new Queue<string>(maxsize: 3);
        var putter = new Process((Action<Queue<string>>)PutGreetings, new object?[] { queue });
        putter.Start();
        for (var i = 0; i < 3; i++)
        {
            Console.WriteLine($"parent got from the queue: {queue.Get()}");
        }

        putter.Join();
        try
        {
            queue.Get(timeout: TimeSpan.FromMilliseconds(100));
        }
        catch (Concurrency.Runtime.Queues.QueueEmptyException)
        {
            Console.WriteLine("parent: Get(timeout: 100 ms) on the empty queue raised QueueEmptyException (Python's queue.Empty)");
        }

        // A duplex pipe: two connections; each end can Send and Recv.
        var (parentEnd, childEnd) = new Pipe();
        var echo = new Process((Action<Connection>)Echo, new object?[] { childEnd });
        echo.Start();
        parentEnd.Send("hello");
        Console.WriteLine($"parent sent \"hello\", received \"{parentEnd.Recv<string>()}\"");
        parentEnd.Send("bye");
        echo.Join();
        try
        {
            parentEnd.Recv<string>();
        }
        catch (EndOfStreamException)
        {
            Console.WriteLine("parent: the child closed its end, so Recv raised EndOfStreamException (Python's EOFError)");
        }
    }

    private static void PutGreetings(Queue<string> queue)
    {
        foreach (var word in new[] { "one", "two", "three" })
        {
            queue.Put($"{word} from pid {Environment.ProcessId}");
        }
    }

    private static void Echo(Connection connection)
    {
        string message;
        while ((message = connection.Recv<string>()) != "bye")
        {
            connection.Send(message.ToUpperInvariant());
        }

        connection.Close();
    }
}
