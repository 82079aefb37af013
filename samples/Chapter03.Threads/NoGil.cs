namespace Chapter03.Threads;

using System.Diagnostics;
using Concurrency.Runtime.Threading;

/// <summary>
/// Course 3.5: CPython's GIL serialises bytecode, so two CPU-bound threads take as long as running
/// the work twice (speed-up about 1.0). .NET has no GIL: on two or more cores they run in parallel.
/// </summary>
public static class NoGil
{
    private const int N = 300_000_000;

    public static void Run()
    {
        Burn(1_000_000); // warm-up: let the JIT compile Burn
        var watch = Stopwatch.StartNew();
        var a = Burn(N);
        var b = Burn(N);
        var serial = watch.Elapsed;

        long r1 = 0, r2 = 0;
        var threads = new[] { new Thread(() => r1 = Burn(N)), new Thread(() => r2 = Burn(N)) };
        watch.Restart();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        var threaded = watch.Elapsed;
        Console.WriteLine($"serial {serial.TotalMilliseconds:F0} ms, two threads {threaded.TotalMilliseconds:F0} ms on {Environment.ProcessorCount} cores");
        Console.WriteLine($"speed-up {serial / threaded:F2}x (CPython with the GIL: about 1.0x; same results: {a == r1 && b == r2})");
    }

    private static long Burn(int n)
    {
        long sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += (long)i * i % 7;
        }

        return sum;
    }
}
