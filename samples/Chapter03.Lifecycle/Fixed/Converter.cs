namespace Chapter03.Lifecycle.Fixed;

using Concurrency.Runtime.Multiprocessing;

/// <summary>The child is joined in a finally: the early return waits for it and collects its exit code.</summary>
public static class Converter
{
    /// <summary>The OS process id of the last child started, for the demo to look it up.</summary>
    public static int LastPid { get; private set; }

    public static bool Convert(bool dryRun)
    {
        var child = new Process(Work.Convert, name: "converter");
        child.Start();
        LastPid = child.Pid!.Value;
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
