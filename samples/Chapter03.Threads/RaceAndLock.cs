namespace Chapter03.Threads;

using Concurrency.Runtime;
using Concurrency.Runtime.Threading;
using Barrier = Concurrency.Runtime.Threading.Barrier;

/// <summary>Course 3.4/3.5: count += 1 is read-modify-write; without a lock, updates are lost.</summary>
public static class RaceAndLock
{
    private const int Threads = 4;
    private const int Increments = 2_000_000;

    public static void Run()
    {
        var unsafeCounter = new Counter();
        RunThreads(unsafeCounter.IncrementUnsafely);
        Console.WriteLine($"without a lock: {unsafeCounter.Value:N0} of {Threads * Increments:N0} (updates lost to the race)");

        var safeCounter = new Counter();
        RunThreads(safeCounter.Increment);
        Console.WriteLine($"with a Lock:    {safeCounter.Value:N0} of {Threads * Increments:N0}");
    }

    private static void RunThreads(Action increment)
    {
        // A barrier lines the threads up so they really overlap instead of finishing one by one.
        var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < Increments; i++)
            {
                increment();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    private sealed class Counter
    {
        private readonly Lock _gate = new("counter");

        [GuardedBy(nameof(_gate))]
        private int _value;

        public int Value
        {
            get
            {
                using (_gate.Hold())
                {
                    return _value;
                }
            }
        }

        public void Increment()
        {
            using (_gate.Hold())
            {
                _value++;
            }
        }

        // The bug the course warns about (and analyzer CONC305 reports): the guarded field touched
        // without its lock. Written as Python runs `count += 1`: load, add, store; another thread's
        // store between the load and the store is lost.
        public void IncrementUnsafely()
        {
#pragma warning disable CONC305 // the demo's race on purpose: CONC305 reports both accesses ('_value' is guarded by '_gate')
            var seen = Volatile.Read(ref _value);
            Volatile.Write(ref _value, seen + 1);
#pragma warning restore CONC305
        }
    }
}
