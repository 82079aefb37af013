using Concurrency.Runtime.Futures;

namespace Chapter05.Callbacks.Fixed;

/// <summary>
/// Asynchronous submission (CONC205's fix): submit every file first, then collect the results in
/// input order; for tasks, Task.WhenAll. The pool's workers run together.
/// </summary>
public static class Checksums
{
    public static List<string> All(Executor pool, IReadOnlyList<string> files, Func<string, string> checksum)
    {
        var results = new List<string>();
        var futures = new List<Future<string>>();
        foreach (var file in files)
        {
            futures.Add(pool.Submit(checksum, file));
        }

        foreach (var future in futures)
        {
            var sum = future.Result();
            results.Add(sum);
        }

        return results;
    }

    public static async Task<int> TotalAsync(IReadOnlyList<string> files, Func<string, int> size)
    {
        var tasks = new List<Task<int>>();
        foreach (var file in files)
        {
            tasks.Add(Task.Run(() => size(file)));
        }

        var total = 0;
        foreach (var bytes in await Task.WhenAll(tasks))
        {
            total += bytes;
        }

        return total;
    }
}
