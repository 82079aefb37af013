namespace Chapter03.Lifecycle.Fixed;

/// <summary>Start every worker in the loop, join them all after it: the workers run together.</summary>
public static class Crunchers
{
    public static void CrunchAll(IReadOnlyList<int> items, Action<int> crunch)
    {
        var threads = new List<Thread>();
        foreach (var item in items)
        {
            var worker = new Thread(() => crunch(item));
            worker.Start();
            threads.Add(worker);
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
