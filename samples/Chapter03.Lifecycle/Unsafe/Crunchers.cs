namespace Chapter03.Lifecycle.Unsafe;

/// <summary>
/// Course topic 2.7: "a lock makes one part serial, join makes the whole task serial". Each worker
/// is joined in the iteration that started it, so the next one starts only when it has finished:
/// the loop takes as long as doing the work one item after another (CONC202).
/// </summary>
public static class Crunchers
{
    public static void CrunchAll(IReadOnlyList<int> items, Action<int> crunch)
    {
        foreach (var item in items)
        {
            var worker = new Thread(() => crunch(item));
            worker.Start();
            worker.Join();
        }
    }
}
