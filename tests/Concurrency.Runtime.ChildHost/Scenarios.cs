namespace Concurrency.Runtime.ChildHost;

using Concurrency.Runtime.Multiprocessing;
using Process = Concurrency.Runtime.Multiprocessing.Process;

/// <summary>Parent-side scenarios a test starts this program for, and the targets they run.</summary>
public static class Scenarios
{
    public static int Usage()
    {
        Console.Error.WriteLine("usage: Concurrency.Runtime.ChildHost daemon-parent <file> | orphan-parent <file> | no-guard");
        return 2;
    }

    /// <summary>Starts a process although Main has no guard: prints the error Start raises.</summary>
    public static int StartWithoutGuard()
    {
        try
        {
            new Process(SleepForever).Start();
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine(e.Message);
            return 3;
        }
    }

    /// <summary>Starts a daemon child that sleeps forever, writes its pid to <paramref name="marker"/>, and waits to be killed.</summary>
    public static int DaemonParent(string marker)
    {
        var child = new Process(SleepForever, daemon: true);
        child.Start();
        File.WriteAllText(marker + ".tmp", child.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(marker + ".tmp", marker);
        System.Threading.Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>
    /// Starts a non-daemon child that reports its parent pid to <paramref name="marker"/> every few
    /// milliseconds, and waits to be killed: the child becomes an orphan.
    /// </summary>
    public static int OrphanParent(string marker)
    {
        var child = new Process((Action<string>)ReportParent, new object?[] { marker });
        child.Start();
        System.Threading.Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    public static void SleepForever() => System.Threading.Thread.Sleep(Timeout.Infinite);

    /// <summary>Writes "pid ppid" to the marker file for 10 s, so the test sees the parent pid change.</summary>
    public static void ReportParent(string marker)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            var me = Process.Current;
            File.WriteAllText(marker + ".tmp", $"{me.Pid} {me.ParentPid}");
            File.Move(marker + ".tmp", marker, overwrite: true);
            System.Threading.Thread.Sleep(20);
        }
    }
}
