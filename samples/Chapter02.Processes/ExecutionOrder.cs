namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Course 2.3: the parent runs on at once; the children run when the OS gets to them, in no fixed order.</summary>
public static class ExecutionOrder
{
    public static void Run()
    {
        var children = Enumerable.Range(1, 4).Select(i => new Process((Action<int>)Report, new object?[] { i })).ToList();
        children.ForEach(c => c.Start());
        Console.WriteLine("parent: all four started — and this line comes first, a new process takes time to start");
        children.ForEach(c => c.Join());
        Console.WriteLine("parent: the children's order above is up to the scheduler; run again and it may change");
    }

    private static void Report(int number)
    {
        // Each child does a little work of a different, random length before reporting.
        Thread.Sleep(Random.Shared.Next(0, 30));
        Console.WriteLine($"  child {number} (pid {Environment.ProcessId}) reports");
    }
}
