namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>
/// Course 2.5. A zombie is a child that has ended but whose parent has not yet collected (reaped)
/// its exit status: only its process-table entry is left, shown as &lt;defunct&gt;. An orphan is a
/// child whose parent ended first: the OS hands it to an adopter (init, pid 1, or a subreaper),
/// which reaps it when it ends.
/// </summary>
public static class ZombiesAndOrphans
{
    public static void Run()
    {
        // Zombie: the child ends at once; the parent keeps its exit code. .NET reaps a child it
        // started as soon as it exits, and Join waits for that, so no <defunct> entry is left.
        var child = new Process(Quick, name: "quick");
        child.Start();
        var pid = child.Pid!.Value;
        child.Join();
        Console.WriteLine($"zombie: {child.Name} (pid {pid}) ended with {child.ExitCode}; /proc/{pid} left: {State(pid) ?? "nothing, it was reaped"}");

        // Orphan: a middle process starts a grandchild and is killed; the grandchild runs on, and
        // its parent pid changes to the adopter's. Reports come back on a process queue.
        var reports = new Queue<string>();
        var middle = new Process((Action<Queue<string>>)StartGrandchild, new object?[] { reports }, name: "middle");
        middle.Start();
        Console.WriteLine($"orphan: {reports.Get()}");
        var grandchildPid = int.Parse(reports.Get(), System.Globalization.CultureInfo.InvariantCulture);
        middle.Kill(); // SIGKILL: the middle process cannot wait for its child
        middle.Join();
        Console.WriteLine($"orphan: middle (pid {middle.Pid}) was killed, exit code {middle.ExitCode}");
        Console.WriteLine($"orphan: {reports.Get()}");

        // The orphan ends by itself; its adopter reaps it (we are not its parent, so we cannot Join
        // it). Until then it is a zombie (state Z).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (State(grandchildPid) is not null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Console.WriteLine(State(grandchildPid) switch
        {
            null => $"orphan: pid {grandchildPid} has ended and its adopter reaped it",
            "Z" => $"orphan: pid {grandchildPid} has ended but is still a zombie: its adopter has not reaped it yet",
            _ => $"orphan: pid {grandchildPid} is still running",
        });
    }

    private static void Quick()
    {
    }

    /// <summary>The middle process: starts a (non-daemon) grandchild, then waits to be killed.</summary>
    private static void StartGrandchild(Queue<string> reports)
    {
        var grandchild = new Process((Action<Queue<string>>)OutliveParent, new object?[] { reports }, name: "grandchild");
#pragma warning disable CONC201 // on purpose: the grandchild is to outlive this process and become an orphan
        grandchild.Start();
#pragma warning restore CONC201
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>The grandchild: reports its parent pid, waits until the parent is gone, reports the new one.</summary>
    private static void OutliveParent(Queue<string> reports)
    {
        var first = Process.Current.ParentPid;
        reports.Put($"grandchild pid {Environment.ProcessId} has parent pid {first}");
        reports.Put(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Process.Current.ParentPid == first && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        reports.Put($"grandchild pid {Environment.ProcessId} is an orphan now, adopted by pid {Process.Current.ParentPid}");
    }

    /// <summary>The state letter in /proc/&lt;pid&gt;/stat (R, S, Z = zombie, ...), or null if there is no such process.</summary>
    private static string? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
