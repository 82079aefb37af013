// Course topic 5.1: synchronous submission (submit, wait, submit the next) against asynchronous
// submission (submit all, then collect). CONC205 flags the first; the demo times both.
using Concurrency.Runtime.Futures;
using Unsafe = Chapter05.Callbacks.Unsafe;
using Fixed = Chapter05.Callbacks.Fixed;

var files = new[] { "a.txt", "b.txt", "c.txt", "d.txt" };
using var pool = new ThreadPoolExecutor(maxWorkers: 4);

Console.WriteLine("1. CONC205 — four checksums of 100 ms each on a pool of four workers:");
Console.WriteLine($"   unsafe: {Timed(() => Unsafe.Checksums.All(pool, files, Checksum))} (one at a time)");
Console.WriteLine($"   fixed:  {Timed(() => Fixed.Checksums.All(pool, files, Checksum))} (together)");

Console.WriteLine("2. CONC205 — four sizes of 100 ms each with await Task.Run:");
Console.WriteLine($"   unsafe: {await TimedAsync(() => Unsafe.Checksums.TotalAsync(files, Size))} (one at a time)");
Console.WriteLine($"   fixed:  {await TimedAsync(() => Fixed.Checksums.TotalAsync(files, Size))} (together)");
return 0;

static string Checksum(string file)
{
    Thread.Sleep(100);
    return file.GetHashCode().ToString("x8");
}

static int Size(string file)
{
    Thread.Sleep(100);
    return file.Length;
}

static string Timed(Action run)
{
    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
    run();
    return $"{stopwatch.ElapsedMilliseconds} ms";
}

static async Task<string> TimedAsync(Func<Task> run)
{
    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
    await run();
    return $"{stopwatch.ElapsedMilliseconds} ms";
}
