namespace Chapter03.Threads;

using Concurrency.Runtime.Threading;

/// <summary>
/// Course 3.x (threads; "a GIL does not protect your data"): a stop flag set by one thread and polled
/// by another. .NET has no GIL, and its memory model lets the JIT read a non-volatile field once and
/// keep it in a register for the whole loop: the worker may never see the stop. <c>volatile</c>
/// (analyzer CONC306's fix) makes every iteration read the field again.
/// </summary>
public static class StopFlag
{
    // The way out should the read be hoisted: a few seconds of spinning at most.
    private const long MaxSpins = 4_000_000_000;

    public static void Run()
    {
        var plain = new UnsafeSpinner();
        Report("plain bool:   ", plain.Start, plain.Stop, () => plain.Spins);

        var safe = new Spinner();
        Report("volatile bool:", safe.Start, safe.Stop, () => safe.Spins);
    }

    private static void Report(string label, Func<Thread> start, Action stop, Func<long> spins)
    {
        var worker = start();
        System.Threading.Thread.Sleep(200);
        stop();
        worker.Join();
        Console.WriteLine(spins() >= MaxSpins
            ? $"{label} ran out of spins ({MaxSpins:N0}): the stop was never seen (the read was hoisted)"
            : $"{label} stopped after {spins():N0} spins");
    }

    private sealed class UnsafeSpinner
    {
        private bool _stop;

        public long Spins { get; private set; }

        public Thread Start()
        {
            var worker = new Thread(Spin, name: "unsafe-spinner");
            worker.Start();
            return worker;
        }

        public void Stop() => _stop = true;

        // The bug on purpose: '_stop' is not volatile, so the JIT may read it once for the whole loop.
        private void Spin()
        {
            long spins = 0;
#pragma warning disable CONC306 // the demo's unfixed stop flag: polled here, written by Stop() on the main thread
            while (!_stop && spins < MaxSpins)
#pragma warning restore CONC306
            {
                spins++;
            }

            Spins = spins;
        }
    }

    private sealed class Spinner
    {
        // CONC306's fix: every iteration reads the field from memory, and sees Stop()'s write.
        private volatile bool _stop;

        public long Spins { get; private set; }

        public Thread Start()
        {
            var worker = new Thread(Spin, name: "spinner");
            worker.Start();
            return worker;
        }

        public void Stop() => _stop = true;

        private void Spin()
        {
            long spins = 0;
            while (!_stop && spins < MaxSpins)
            {
                spins++;
            }

            Spins = spins;
        }
    }
}
