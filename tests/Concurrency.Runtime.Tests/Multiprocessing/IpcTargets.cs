namespace Concurrency.Runtime.Tests.Multiprocessing;

using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.Queues;
using Concurrency.Runtime.Threading;
using Lock = Concurrency.Runtime.Multiprocessing.Lock;
using Semaphore = Concurrency.Runtime.Multiprocessing.Semaphore;

/// <summary>Targets that use IPC objects they received as arguments.</summary>
public static class IpcTargets
{
    public static void Produce(Concurrency.Runtime.Multiprocessing.Queue<int> queue, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            queue.Put(i);
        }
    }

    /// <summary>Gets until the -1 sentinel and writes what it got, one per line.</summary>
    public static void Consume(Concurrency.Runtime.Multiprocessing.Queue<int> queue, string path)
    {
        var got = new List<int>();
        int item;
        while ((item = queue.Get()) != -1)
        {
            got.Add(item);
        }

        File.WriteAllLines(path, got.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Puts <paramref name="count"/> items from <paramref name="start"/>, then ends at once with <paramref name="exitCode"/>: buffered puts must still arrive.</summary>
    public static void ProduceThenExit(Concurrency.Runtime.Multiprocessing.Queue<int> queue, int start, int count, int exitCode)
    {
        Produce(queue, start, count);
        Environment.Exit(exitCode);
    }

    /// <summary>Exit code 7 if this process sees its own buffered puts at once, and a put after Close is refused.</summary>
    public static void PutThenSeeOwnPuts(Concurrency.Runtime.Multiprocessing.Queue<int> queue)
    {
        Produce(queue, 0, 3);
        var sees = queue.QSize == 3 && queue.GetNowait() == 0 && !queue.Empty;
        queue.Put(3);
        queue.Close();
        try
        {
            queue.Put(4);
            Environment.Exit(2);
        }
        catch (ObjectDisposedException)
        {
        }

        Environment.Exit(sees ? 7 : 5);
    }

    /// <summary>Creates a queue in this process, hands it over through <paramref name="outer"/>, and exits: the queue's creator is gone.</summary>
    public static void HandOverOwnQueue(Concurrency.Runtime.Multiprocessing.Queue<Concurrency.Runtime.Multiprocessing.Queue<int>> outer)
    {
        var mine = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        mine.Put(42);
        outer.Put(mine);
    }

    public static void PutForever(Concurrency.Runtime.Multiprocessing.Queue<int> queue)
    {
        for (var i = 0; ; i++)
        {
            queue.Put(i);
        }
    }

    /// <summary>Exit codes say what a full and an empty queue did in the child: 7 = full and empty raised as expected.</summary>
    public static void ProbeLimits(Concurrency.Runtime.Multiprocessing.Queue<string> full, Concurrency.Runtime.Multiprocessing.Queue<string> empty)
    {
        try
        {
            full.Put("no room", timeout: TimeSpan.FromMilliseconds(100));
            Environment.Exit(2);
        }
        catch (QueueFullException)
        {
        }

        try
        {
            full.PutNowait("no room");
            Environment.Exit(3);
        }
        catch (QueueFullException)
        {
        }

        try
        {
            empty.Get(timeout: TimeSpan.FromMilliseconds(100));
            Environment.Exit(4);
        }
        catch (QueueEmptyException)
        {
        }

        Environment.Exit(full.QSize == 1 && full.Full && empty.Empty ? 7 : 5);
    }

    /// <summary>Squares items from <paramref name="jobs"/> into <paramref name="results"/>, marking each done; runs until killed.</summary>
    public static void Square(JoinableQueue<int> jobs, Concurrency.Runtime.Multiprocessing.Queue<int> results)
    {
        while (true)
        {
            var n = jobs.Get();
            results.Put(n * n);
            jobs.TaskDone();
        }
    }

    public static void JoinThenMark(JoinableQueue<int> jobs, string path)
    {
        jobs.Join();
        File.WriteAllText(path, "joined");
    }

    /// <summary>Echoes strings upper-cased until "bye", then closes its end.</summary>
    public static void Echo(Connection connection)
    {
        string message;
        while ((message = connection.Recv<string>()) != "bye")
        {
            connection.Send(message.ToUpperInvariant());
        }

        connection.Close();
    }

    public static void SendOrders(Connection connection, int count)
    {
        for (var i = 0; i < count; i++)
        {
            connection.Send(new Order(i, "item", i * 2));
        }
    }

    /// <summary>Appends begin/end lines under the lock; interleaving would show as a begin after a begin.</summary>
    public static void AppendInTurns(Lock gate, string path, int id, int times)
    {
        for (var i = 0; i < times; i++)
        {
            gate.Acquire();
            try
            {
                File.AppendAllText(path, $"begin {id}\n");
                System.Threading.Thread.Sleep(1);
                File.AppendAllText(path, $"end {id}\n");
            }
            finally
            {
                gate.Release();
            }
        }
    }

    public static void HoldForever(Lock gate, string path)
    {
        gate.Acquire();
        File.WriteAllText(path, "held");
        System.Threading.Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Inside the semaphore, counts the marker files present (itself included) and records the most it saw.</summary>
    public static void InsideSemaphore(Semaphore semaphore, string dir, int id)
    {
        for (var round = 0; round < 3; round++)
        {
            using (semaphore.Hold())
            {
                var mine = Path.Combine(dir, $"inside-{id}");
                File.WriteAllText(mine, string.Empty);
                var inside = Directory.GetFiles(dir, "inside-*").Length;
                File.AppendAllText(Path.Combine(dir, $"seen-{id}"), $"{inside}\n");
                System.Threading.Thread.Sleep(60);
                File.Delete(mine);
            }
        }
    }
}
