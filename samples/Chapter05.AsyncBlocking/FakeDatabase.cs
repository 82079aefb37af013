namespace Chapter05.AsyncBlocking;

/// <summary>Stands for any IO: a query that takes 50 ms of waiting and no CPU.</summary>
public static class FakeDatabase
{
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);

    public static async Task<int> QueryAsync(int id)
    {
        await Task.Delay(Latency);
        return id * 2;
    }

    public static Task FlushAsync() => Task.Delay(Latency);
}
