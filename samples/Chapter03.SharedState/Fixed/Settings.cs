namespace Chapter03.SharedState.Fixed;

/// <summary>The settings with CONC304's fix: <c>LazyInitializer.EnsureInitialized</c> publishes one value (the loader may still run twice; <c>Lazy&lt;T&gt;</c> runs it once).</summary>
public sealed class Settings
{
    private readonly Lazy<Dictionary<string, string>> _values = new(Load);

    public static int Loads;

    public Dictionary<string, string> Values() => _values.Value;

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
