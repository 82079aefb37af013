using Concurrency.Runtime.Futures;

namespace Chapter05.Callbacks.Unsafe;

/// <summary>
/// Course topic 5.1, synchronous submission: each file is submitted, then its result waited for,
/// before the next one is submitted. The pool has four workers and uses one (CONC205).
/// </summary>
public static class Checksums
{
    public static List<string> All(Executor pool, IReadOnlyList<string> files, Func<string, string> checksum)
    {
        var results = new List<string>();
        foreach (var file in files)
        {
            var sum = pool.Submit(checksum, file).Result();
            results.Add(sum);
        }

        return results;
    }

    public static async Task<int> TotalAsync(IReadOnlyList<string> files, Func<string, int> size)
    {
        var total = 0;
        foreach (var file in files)
        {
            total += await Task.Run(() => size(file));
        }

        return total;
    }
}
