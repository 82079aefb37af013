namespace Chapter03.Lifecycle.Unsafe;

/// <summary>
/// Course topic 5.1: Parallel.ForEach waits for its bodies — but an async lambda given where a void
/// delegate is expected ends at its first await, so ForEach returns before the work is done, and an
/// exception after the await crashes the process (CONC208).
/// </summary>
public static class Fetcher
{
    public static void FetchAll(IEnumerable<string> urls, Func<string, Task> fetch)
    {
        Parallel.ForEach(urls, async url => await fetch(url));
    }
}
