namespace Chapter03.Threads;

/// <summary>Runs one demo by name, or all of them in course order.</summary>
public static class Program
{
    private static readonly (string Name, string Topic, Action Run)[] Demos =
    {
        ("start", "3.2 two ways to start a thread", StartingThreads.Run),
        ("race", "3.4 a race and its lock", RaceAndLock.Run),
        ("checkthenact", "3.4 check-then-act: lazy initialization races", CheckThenAct.Run),
        ("gil", "3.5 no GIL: two CPU-bound threads in parallel", NoGil.Run),
        ("stopflag", "3.x a stop flag the worker may never see (volatile)", StopFlag.Run),
        ("collections", "3.4/3.5 a List filled by a Parallel loop, and ConcurrentBag", UnsafeCollections.Run),
        ("deadlock", "3.7 deadlock and RLock", DeadlockAndRLock.Run),
        ("queues", "3.8 the three queues", ThreeQueues.Run),
        ("event", "3.9 Event", TrafficLight.Run),
        ("docs", "docs/runtime.md examples", DocsExamples.Run),
        ("daemon", "3.3 daemon threads (last: the process ends with a daemon still running)", DaemonThreads.Run),
    };

    public static int Main(string[] args)
    {
        var chosen = args.Length == 0 ? Demos : Demos.Where(d => args.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (chosen.Length == 0)
        {
            Console.Error.WriteLine($"usage: Chapter03.Threads [{string.Join("|", Demos.Select(d => d.Name))}]...");
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
