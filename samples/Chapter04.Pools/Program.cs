// Course chapter 4: pools. CONC203 — an executor not shut down on every path leaves its workers behind.
// The demo runs the unsafe version (Unsafe/, flagged) beside the fixed one (Fixed/, clean), then
// measures why a pool bounds its workers, and a thread pool against a process pool on IO and CPU work.
using System.Diagnostics;
using Concurrency.Runtime.Futures;
using Unsafe = Chapter04.Pools.Unsafe;
using Fixed = Chapter04.Pools.Fixed;

// CONC206: a process pool's workers are this program started again.
Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();

var images = new[] { "a.png", "broken.png", "c.png" };

Console.WriteLine("1. CONC203 — one of three images fails to resize:");
Console.WriteLine($"   unsafe: {Leftover(() => Unsafe.Thumbnails.ResizeAll(images, Resize))}");
Console.WriteLine($"   fixed:  {Leftover(() => Fixed.Thumbnails.ResizeAll(images, Resize))}");

Console.WriteLine("2. Why bound the workers — 200 downloads of 50 ms each:");
Console.WriteLine($"   a thread each:          {Measured(() => { var threads = Enumerable.Range(0, 200).Select(_ => new Thread(() => Thread.Sleep(50))).ToList(); threads.ForEach(t => t.Start()); threads.ForEach(t => t.Join()); })}");
Console.WriteLine($"   a pool of 16 workers:   {Measured(() => { using var pool = new ThreadPoolExecutor(16); foreach (var _ in pool.Map(ChapterWork.Download, Enumerable.Range(0, 200))) { } })}");
Console.WriteLine("   (the pool takes longer on paper and holds 16 threads instead of 200: a server that starts a thread per request runs out of memory and schedulers long before 200 × 1 MiB stacks feel slow)");

Console.WriteLine($"3. Thread pool vs process pool, 2 workers each, {Environment.ProcessorCount} cores:");
Console.WriteLine($"   IO, 20 waits of 50 ms:   thread pool {Measured(() => MapAll(new ThreadPoolExecutor(2), ChapterWork.Download, 20))}; process pool {Measured(() => MapAll(new ProcessPoolExecutor(2), ChapterWork.Download, 20))}");
Console.WriteLine($"   CPU, 8 prime counts:     thread pool {Measured(() => MapAll(new ThreadPoolExecutor(2), ChapterWork.CountPrimes, 8))}; process pool {Measured(() => MapAll(new ProcessPoolExecutor(2), ChapterWork.CountPrimes, 8))}");
Console.WriteLine("   (CPython needs processes for CPU work because of its GIL; .NET threads run CPU work in parallel, so here a process pool buys isolation — a crash kills one worker, not the program — at the cost of starting processes and copying arguments)");
return 0;

static void MapAll(Executor pool, Func<int, int> work, int count)
{
    using (pool)
    {
        foreach (var _ in pool.Map(work, Enumerable.Range(0, count)))
        {
        }
    }
}

// Wall time, and the most threads the process had while it ran.
static string Measured(Action run)
{
    var peak = 0;
    using var sampling = new CancellationTokenSource();
    var sampler = new Thread(() =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peak = Math.Max(peak, ThreadCount());
            Thread.Sleep(5);
        }
    });
    sampler.Start();
    try
    {
        var stopwatch = Stopwatch.StartNew();
        run();
        return $"{stopwatch.ElapsedMilliseconds} ms, up to {Volatile.Read(ref peak)} threads";
    }
    finally
    {
        sampling.Cancel();
        sampler.Join();
    }
}

static int Resize(string image)
{
    Thread.Sleep(50);
    return image.StartsWith("broken", StringComparison.Ordinal) ? throw new InvalidDataException(image + " is not an image") : image.Length * 1000;
}

// The threads of this process after the call, against before it: a pool not shut down keeps its workers.
static string Leftover(Action resizeAll)
{
    var before = ThreadCount();
    try
    {
        resizeAll();
    }
    catch (InvalidDataException e)
    {
        Console.WriteLine($"           the caller sees: {e.Message}");
    }

    Thread.Sleep(100);
    var extra = ThreadCount() - before;
    return extra > 0
        ? $"{extra} more thread(s) than before: the pool's workers wait for work that never comes"
        : "no thread left behind: the pool was shut down on the way out";
}

static int ThreadCount()
{
    using var self = Process.GetCurrentProcess();
    return self.Threads.Count;
}

// Work for a process pool: static methods, found again by name in the child.
internal static class ChapterWork
{
    public static int Download(int item)
    {
        Thread.Sleep(50);
        return item;
    }

    public static int CountPrimes(int seed)
    {
        var count = 0;
        for (var n = 2; n < 400_000 + seed; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n; d++)
            {
                if (n % d == 0)
                {
                    prime = false;
                    break;
                }
            }

            count += prime ? 1 : 0;
        }

        return count;
    }
}
