using Concurrency.Runtime.Futures;

namespace Chapter04.Pools.Unsafe;

/// <summary>
/// Course chapter 4: a pool owns its worker threads until it is shut down. Here the shutdown is the
/// last line, and a future's Result() rethrows the work's exception before it: whenever one image
/// fails, the pool and its worker threads are left behind (CONC203: not shut down when
/// 'future.Result()' throws).
/// </summary>
public static class Thumbnails
{
    public static int ResizeAll(IReadOnlyList<string> images, Func<string, int> resize)
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "thumbs");
        var futures = new List<Future<int>>();
        foreach (var image in images)
        {
            futures.Add(pool.Submit(resize, image));
        }

        var bytes = 0;
        foreach (var future in futures)
        {
            bytes += future.Result();
        }

        pool.Shutdown();
        return bytes;
    }
}
