using Concurrency.Runtime.Futures;

namespace Chapter04.Pools.Fixed;

/// <summary>'using var' (CONC203's fix): the pool is shut down — Dispose is Shutdown(wait: true) — on every path, a failing image included.</summary>
public static class Thumbnails
{
    public static int ResizeAll(IReadOnlyList<string> images, Func<string, int> resize)
    {
        using var pool = new ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "thumbs");
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

        return bytes;
    }
}
