namespace Chapter03.Lifecycle.Fixed;

/// <summary>Parallel.ForEachAsync takes async bodies and completes when they have.</summary>
public static class Fetcher
{
    public static async Task FetchAllAsync(IEnumerable<string> urls, Func<string, Task> fetch)
    {
        await Parallel.ForEachAsync(urls, async (url, cancellationToken) => await fetch(url));
    }
}
