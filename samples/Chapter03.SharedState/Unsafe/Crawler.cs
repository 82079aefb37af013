namespace Chapter03.SharedState.Unsafe;

/// <summary>
/// A crawler that counts on its own thread while callers read its progress: the worker's
/// <c>_pages += 1</c> and <c>Pages</c> run at the same time with no lock in common (CONC301).
/// </summary>
public sealed class Crawler
{
    private Thread? _thread;
    private long _pages;

    public long Pages => _pages;

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
            _pages += 1;
        }
    }
}
