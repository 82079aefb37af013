namespace Chapter03.SharedState.Fixed;

using System.Collections.Concurrent;

/// <summary>The results with CONC303's fix: <c>ConcurrentBag&lt;T&gt;</c> has the same <c>Add</c> and <c>Count</c>, and is thread-safe.</summary>
public static class Results
{
    public static int Collect(int items)
    {
        var results = new ConcurrentBag<int>();
        Parallel.For(0, items, i => { results.Add(i); });
        return results.Count;
    }
}
