namespace Chapter05.AsyncBlocking.Unsafe;

/// <summary>
/// "Submit, then wait for the result" inside async code: every request parks a thread-pool thread
/// for the whole IO wait. CONC401 reports each wait below.
/// </summary>
public static class BlockingRequests
{
    public static async Task<int> HandleAsync(int id)
    {
        await Task.Yield();
        var lookup = FakeDatabase.QueryAsync(id);
        return lookup.Result;                                    // CONC401
    }

    public static async Task HandleBatchAsync(int first)
    {
        var a = FakeDatabase.QueryAsync(first);
        var b = FakeDatabase.QueryAsync(first + 1);
        Task.WaitAll(a, b);                                      // CONC401
        await Task.Yield();
    }

    public static async Task<int> HandleWithAwaiterAsync(int id)
    {
        await Task.Yield();
        return FakeDatabase.QueryAsync(id).GetAwaiter().GetResult(); // CONC401
    }

    public static async Task RetryAsync(Func<Task> send)
    {
        try { await send(); }
        catch (InvalidOperationException) { Thread.Sleep(100); await send(); } // CONC402
    }

    public static async Task<int> CountLinesAsync(string path)
    {
        await Task.Yield();
        return File.ReadAllLines(path).Length;                   // CONC403
    }

    private static readonly object Gate = new();
    private static int _saved;

    public static async Task SaveAsync(int value)
    {
        Monitor.Enter(Gate);                                     // CONC404: held across the await below
        try
        {
            await FakeDatabase.FlushAsync();
            _saved += value;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static string ReadSetting(string path) => File.ReadAllText(path);

    public static async Task<string> StartAsync(string path)
    {
        await Task.Yield();
        return ReadSetting(path);                                // CONC407: ReadSetting -> File.ReadAllText
    }

    public static async Task FlushAsync()
    {
        FakeDatabase.FlushAsync().Wait();                        // CONC401
        await Task.Yield();
    }
}
