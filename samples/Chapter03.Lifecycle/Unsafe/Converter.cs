namespace Chapter03.Lifecycle.Unsafe;

using Concurrency.Runtime.Multiprocessing;

/// <summary>
/// Course topic 2.5: a child process nobody joins is a zombie — ended, its exit code kept for a
/// parent that never asks. Here an early return skips the join (CONC201 names the line).
/// </summary>
public static class Converter
{
    /// <summary>The OS process id of the last child started, for the demo to look it up.</summary>
    public static int LastPid { get; private set; }

    public static bool Convert(bool dryRun)
    {
        var child = new Process(Work.Convert, name: "converter");
        child.Start();
        LastPid = child.Pid!.Value;
        if (dryRun)
        {
            return false;
        }

        child.Join();
        return child.ExitCode == 0;
    }
}
