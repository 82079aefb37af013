namespace Chapter03.SharedState.Unsafe;

/// <summary>
/// Results collected by a Parallel loop into a <c>List&lt;T&gt;</c>: <c>Add</c> reads the count, writes
/// the slot and stores the count again — two bodies adding at once lose items or break the list (CONC303).
/// </summary>
public static class Results
{
    public static int Collect(int items)
    {
        var results = new List<int>();
        Parallel.For(0, items, i => { results.Add(i); });
        return results.Count;
    }
}
