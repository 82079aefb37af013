namespace Chapter03.Threads;

using System.Collections.Concurrent;
using Barrier = Concurrency.Runtime.Threading.Barrier;
using Thread = Concurrency.Runtime.Threading.Thread;

/// <summary>Course 3.4: a check and the act on it are two steps; between them another thread can run (CONC304).</summary>
public static class CheckThenAct
{
    private const int Threads = 8;

    public static void Run()
    {
        var seenUnsafe = Race(() => Registry.GetUnsafely());
        Console.WriteLine($"if (_x == null) _x = new …:       {seenUnsafe} registr{(seenUnsafe == 1 ? "y" : "ies")} seen by {Threads} threads (more than one: the check went stale)");

        var seenSafe = Race(() => Registry.Get());
        Console.WriteLine($"LazyInitializer.EnsureInitialized: {seenSafe} registry seen by {Threads} threads");
    }

    // Every thread gets the registry at once; how many different ones did they see?
    private static int Race(Func<Registry> get)
    {
        Registry.Reset();
        var start = new Barrier(Threads);
        var seen = new ConcurrentDictionary<Registry, bool>(ReferenceEqualityComparer.Instance);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.Wait();
            seen.TryAdd(get(), true);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return seen.Count;
    }

    private sealed class Registry
    {
        private static Registry? s_unsafe;
        private static Registry? s_instance;
        private static int s_created;

        private Registry()
        {
            Interlocked.Increment(ref s_created);
            System.Threading.Thread.Sleep(1); // a constructor that takes a while widens the window
        }

        public static void Reset()
        {
            s_unsafe = null;
            s_instance = null;
        }

        // The bug: two threads both see null, both create, and the later store wins.
        public static Registry GetUnsafely()
        {
#pragma warning disable CONC304 // the demo's race on purpose: lazy initialization of 's_unsafe' with no lock around the check and the act
            if (s_unsafe == null)
            {
                s_unsafe = new Registry();
            }
#pragma warning restore CONC304

            return s_unsafe;
        }

        // Fixed: one atomic step publishes one instance (the factory may run twice, only one result is kept).
        public static Registry Get() => LazyInitializer.EnsureInitialized(ref s_instance, () => new Registry());
    }
}
