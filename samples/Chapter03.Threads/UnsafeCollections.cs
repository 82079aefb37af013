namespace Chapter03.Threads;

using System.Collections.Concurrent;

/// <summary>
/// Course 3.4/3.5: a List&lt;T&gt; filled from a Parallel loop. Add is a read-modify-write of the
/// list's array and count; with no GIL, two threads adding at once lose items or break the list.
/// </summary>
public static class UnsafeCollections
{
    private const int Items = 2_000_000;

    public static void Run()
    {
        try
        {
            Console.WriteLine($"List<int> without a lock: {FillUnsafely():N0} of {Items:N0} items");
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            Console.WriteLine($"List<int> without a lock: broken by the race ({e.GetType().Name})");
        }

        Console.WriteLine($"ConcurrentBag<int>:       {FillSafely():N0} of {Items:N0} items");
    }

    // The bug CONC303 reports: a captured List<int> mutated from a body that runs on several threads at once.
    private static int FillUnsafely()
    {
        var results = new List<int>();
#pragma warning disable CONC303 // the demo's race on purpose: 'results' (List<int>) is mutated in Parallel.For without a lock
        Parallel.For(0, Items, i => { results.Add(i); });
#pragma warning restore CONC303
        return results.Count;
    }

    // The fix CONC303 offers: the thread-safe counterpart, with the same Add and Count.
    private static int FillSafely()
    {
        var results = new ConcurrentBag<int>();
        Parallel.For(0, Items, i => { results.Add(i); });
        return results.Count;
    }
}
