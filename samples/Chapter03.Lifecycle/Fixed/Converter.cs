namespace Chapter03.Lifecycle.Fixed;

using Concurrency.Runtime.Multiprocessing;

/// <summary>The child is joined in a finally: the early return waits for it and collects its exit code.</summary>
public static class Converter
{
    public static Process? LastChild { get; private set; }

    public static bool Convert(bool dryRun)
    {
        var child = new Process(Work.Convert, name: "converter");
        LastChild = child;
        child.Start();
        try
        {
            if (dryRun)
            {
                return false;
            }
        }
        finally
        {
            child.Join();
        }

        return child.ExitCode == 0;
    }
}
