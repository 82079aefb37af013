namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Course 2.4: Start, Join, Terminate, IsAlive, Pid, ParentPid, Name, ExitCode.</summary>
public static class Attributes
{
    public static void Run()
    {
        var me = Process.Current;
        Console.WriteLine($"parent: {me.Name}, pid {me.Pid} (os.getpid), parent pid {me.ParentPid} (os.getppid)");

        var child = new Process((Action<int>)Nap, new object?[] { 200 }, name: "napper");
        Console.WriteLine($"before Start: pid {Show(child.Pid)}, alive {child.IsAlive}, exit code {Show(child.ExitCode)}");
        child.Start();
        Console.WriteLine($"after Start:  {child.Name} has pid {child.Pid}, its parent pid is {child.ParentPid}, alive {child.IsAlive}");
        Console.WriteLine($"Join(50 ms) returns {child.Join(TimeSpan.FromMilliseconds(50))}: still running");
        child.Join();
        Console.WriteLine($"after Join:   alive {child.IsAlive}, exit code {child.ExitCode}");

        // How a child ends shows in its exit code (Python shows -15 where .NET shows 128 + 15).
        var exits = new Process((Action<int>)ExitWith, new object?[] { 3 }, name: "exits-3");
        var throws = new Process(Fail, name: "throws");
        var endless = new Process((Action<int>)Nap, new object?[] { 60_000 }, name: "terminated");
        exits.Start();
        throws.Start();
        endless.Start();
        endless.Terminate(); // SIGTERM; Kill() sends SIGKILL (137)
        foreach (var p in new[] { exits, throws, endless })
        {
            p.Join();
        }

        Console.WriteLine($"{exits.Name}: exit code {exits.ExitCode}");
        Console.WriteLine($"{throws.Name}: exit code {throws.ExitCode}, error {throws.Error?.ExceptionType}: {throws.Error?.ChildMessage} (its traceback went to stderr)");
        Console.WriteLine($"{endless.Name}: exit code {endless.ExitCode} (128 + SIGTERM)");
    }

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    private static void Nap(int milliseconds)
    {
        var me = Process.Current;
        Console.WriteLine($"  in the child: {me.Name}, pid {me.Pid}, parent pid {me.ParentPid}");
        Thread.Sleep(milliseconds);
    }

    private static void ExitWith(int code) => Environment.Exit(code);

    private static void Fail() => throw new InvalidOperationException("something went wrong in the child");
}
