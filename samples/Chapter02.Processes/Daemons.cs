namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Course 2.6: a daemon child ends with its parent, and may not have children of its own.</summary>
public static class Daemons
{
    public static void Run()
    {
        // A parent process starts a daemon that would tick forever, works a little, and ends: the
        // daemon goes with it. (Here even if the parent is killed: the daemon watches a pipe from it.)
        var reports = new Queue<int>();
        var parent = new Process((Action<Queue<int>>)ParentWithDaemon, new object?[] { reports }, name: "parent");
        parent.Start();
        var daemonPid = reports.Get();
        parent.Join();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Directory.Exists($"/proc/{daemonPid}") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Console.WriteLine($"the parent ended (exit code {parent.ExitCode}); its daemon pid {daemonPid} is {(Directory.Exists($"/proc/{daemonPid}") ? "still there" : "gone")}");

        // A daemon that tries to start a child gets Python's error.
        var refused = new Process(TryToHaveChildren, name: "lonely daemon", daemon: true);
        refused.Start();
        refused.Join();
    }

    private static void ParentWithDaemon(Queue<int> reports)
    {
        var daemon = new Process(Tick, name: "ticker", daemon: true);
        daemon.Start();
        reports.Put(daemon.Pid!.Value);
        Thread.Sleep(350);
        Console.WriteLine("  parent: done, exiting (the daemon is not joined)");
    }

    private static void Tick()
    {
        for (var i = 1; ; i++)
        {
            Console.WriteLine($"  daemon tick {i}");
            Thread.Sleep(100);
        }
    }

    private static void TryToHaveChildren()
    {
        try
        {
#pragma warning disable CONC201 // on purpose: a daemon may not have children, so this Start throws
            new Process(Tick).Start();
#pragma warning restore CONC201
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"  {Process.Current.Name}: {e.Message}");
        }
    }
}
