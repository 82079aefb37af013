namespace Chapter03.SharedState.Fixed;

/// <summary>The crawler with CONC301's fix: the worker counts with <c>Interlocked</c>, readers read with <c>Interlocked.Read</c>.</summary>
public sealed class Crawler
{
    private Thread? _thread;
    private long _pages;

    public long Pages => Interlocked.Read(ref _pages);

    public void Start(int pages)
    {
        _thread = new Thread(() => Crawl(pages));
        _thread.Start();
    }

    public void Join() => _thread?.Join();

    private void Crawl(int pages)
    {
        for (var i = 0; i < pages; i++)
        {
            Interlocked.Add(ref _pages, 1);
        }
    }
}
