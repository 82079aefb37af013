namespace Chapter03.SharedState.Unsafe;

/// <summary>
/// The course's counter (topic 3.5): several threads run <c>count += 1</c> on one variable. It is
/// three steps — read, add, write — and a thread that writes between another's read and write
/// erases that update. CONC301 reports the write.
/// </summary>
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
                    s_count += 1;
                }
            }));
        }

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return s_count;
    }
}
