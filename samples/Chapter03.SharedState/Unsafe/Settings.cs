namespace Chapter03.SharedState.Unsafe;

/// <summary>
/// Settings loaded on first use, from several threads: the check <c>_values == null</c> and the
/// assignment are two steps, so two threads can both see null and both load (CONC304).
/// </summary>
public sealed class Settings
{
    private Dictionary<string, string>? _values;

    public static int Loads;

    public Dictionary<string, string> Values()
    {
        if (_values == null)
        {
            _values = Load();
        }

        return _values;
    }

    public static void ReadFromThreads(Settings settings, int threads)
    {
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => settings.Values())).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
    }

    private static Dictionary<string, string> Load()
    {
        Interlocked.Increment(ref Loads);
        Thread.Sleep(20);
        return new Dictionary<string, string> { ["mode"] = "fast" };
    }
}
