namespace Chapter03.Lifecycle.Unsafe;

using Concurrency.Runtime.Multiprocessing;

/// <summary>
/// Course topic 2.5: a child process nobody joins is a zombie — ended, its exit code kept for a
/// parent that never asks. Here an early return skips the join (CONC201 names the line).
/// </summary>
public static class Converter
{
    public static Process? LastChild { get; private set; }

    public static bool Convert(bool dryRun)
    {
        var child = new Process(Work.Convert, name: "converter");
        LastChild = child;
        child.Start();
        if (dryRun)
        {
            return false;
        }

        child.Join();
        return child.ExitCode == 0;
    }
}
