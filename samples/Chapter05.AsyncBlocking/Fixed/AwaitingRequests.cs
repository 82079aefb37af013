namespace Chapter05.AsyncBlocking.Fixed;

/// <summary>The same requests after CONC401's fix: the thread goes back to the pool while IO waits.</summary>
public static class AwaitingRequests
{
    public static async Task<int> HandleAsync(int id)
    {
        await Task.Yield();
        var lookup = FakeDatabase.QueryAsync(id);
        return await lookup;
    }

    public static async Task HandleBatchAsync(int first)
    {
        var a = FakeDatabase.QueryAsync(first);
        var b = FakeDatabase.QueryAsync(first + 1);
        await Task.WhenAll(a, b);
        await Task.Yield();
    }

    public static async Task<int> HandleWithAwaiterAsync(int id)
    {
        await Task.Yield();
        return await FakeDatabase.QueryAsync(id);
    }

    public static async Task RetryAsync(Func<Task> send, CancellationToken ct = default)
    {
        try { await send(); }
        catch (InvalidOperationException) { await Task.Delay(100, ct); await send(); }
    }

    public static async Task<int> CountLinesAsync(string path, CancellationToken ct = default)
    {
        await Task.Yield();
        return (await File.ReadAllLinesAsync(path, ct)).Length;
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int _saved;

    public static async Task SaveAsync(int value)
    {
        await Gate.WaitAsync();
        try
        {
            await FakeDatabase.FlushAsync();
            _saved += value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static Task<string> ReadSettingAsync(string path, CancellationToken ct) => File.ReadAllTextAsync(path, ct);

    public static async Task<string> StartAsync(string path, CancellationToken ct = default)
    {
        await Task.Yield();
        return await ReadSettingAsync(path, ct);
    }

    public static async Task FlushAsync()
    {
        await FakeDatabase.FlushAsync();
        await Task.Yield();
    }

    /// <summary>Not reported: after 'await Task.WhenAll' both results are ready, reading them cannot block.</summary>
    public static async Task<int> SumAsync(int first)
    {
        var a = FakeDatabase.QueryAsync(first);
        var b = FakeDatabase.QueryAsync(first + 1);
        await Task.WhenAll(a, b);
        return a.Result + b.Result;
    }
}
