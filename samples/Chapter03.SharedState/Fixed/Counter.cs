namespace Chapter03.SharedState.Fixed;

/// <summary>The counter with CONC301's fix: the update is one atomic step, <c>Interlocked.Add</c>.</summary>
public static class Counter
{
    private static int s_count;

    public static int Count(int threads, int increments)
    {
        s_count = 0;
        using var start = new Barrier(threads); // lines the threads up, so they really overlap
        var workers = new List<Thread>();
        for (var i = 0; i < threads; i++)
        {
            workers.Add(new Thread(() =>
            {
                start.SignalAndWait();
                for (var n = 0; n < increments; n++)
                {
                    Interlocked.Add(ref s_count, 1);
                }
            }));
        }

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return s_count;
    }
}
