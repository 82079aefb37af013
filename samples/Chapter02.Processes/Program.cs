namespace Chapter02.Processes;

// Inside the namespace, so Process, Queue<T>, Lock and Semaphore mean the course's inter-process
// ones, not System.Diagnostics.Process, System.Collections.Generic.Queue<T> or System.Threading's.
using Concurrency.Runtime.Multiprocessing;

/// <summary>Runs one demo by name, or all of them in course order.</summary>
public static class Program
{
    private static readonly (string Name, string Topic, Action Run)[] Demos =
    {
        ("start", "2.2 two ways to start a process", StartingProcesses.Run),
        ("order", "2.3 order of execution", ExecutionOrder.Run),
        ("attributes", "2.4 attributes and pids", Attributes.Run),
        ("zombie", "2.5 zombies and orphans", ZombiesAndOrphans.Run),
        ("daemon", "2.6 daemon processes", Daemons.Run),
        ("lock", "2.7 a file shared under an inter-process lock", SharedFile.Run),
        ("ipc", "2.8/2.9 queue and pipe", QueueAndPipe.Run),
        ("producer-consumer", "2.10 producer-consumer: a sentinel, then JoinableQueue", ProducerConsumer.Run),
    };

    public static int Main(string[] args)
    {
        // The role of Python's `if __name__ == '__main__':`. A child process is this program started
        // again: here it runs its target and exits, so nothing below runs twice. In the program you
        // started, it returns at once.
        Process.EnterChildIfRequested();

        var chosen = args.Length == 0 ? Demos : Demos.Where(d => args.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (chosen.Length == 0)
        {
            Console.Error.WriteLine($"usage: Chapter02.Processes [{string.Join("|", Demos.Select(d => d.Name))}]...");
            return 2;
        }

        foreach (var (name, topic, run) in chosen)
        {
            Console.WriteLine($"== {name}: {topic}");
            run();
            Console.WriteLine();
        }

        return 0;
    }
}
