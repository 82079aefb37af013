// Course topics 2.4, 2.5, 2.9, 3.2, 5.1: what the lifecycle mistakes cost.
// Each demo runs the unsafe version (Unsafe/, flagged by CONC201-CONC209) beside the fixed one (Fixed/).
using Concurrency.Runtime.Multiprocessing;
using Unsafe = Chapter03.Lifecycle.Unsafe;
using Fixed = Chapter03.Lifecycle.Fixed;

// CONC206: the child-entry guard first, Python's `if __name__ == '__main__':` (its unsafe version:
// samples/Chapter02.UnguardedEntry). A child process is this program started again.
Process.EnterChildIfRequested();

var missing = Path.Combine(Path.GetTempPath(), "conc-lifecycle-" + Guid.NewGuid().ToString("N"), "out");

Console.WriteLine("1. CONC201 — writing the index throws between Start and Join:");
Console.WriteLine($"   unsafe: {ExportDemo(new Unsafe.Exporter(), e => e.Export(missing, Compress), e => e.LastWorker)}");
Console.WriteLine($"   fixed:  {ExportDemo(new Fixed.Exporter(), e => e.Export(missing, Compress), e => e.LastWorker)}");

Console.WriteLine("2. CONC201 — a dry run returns before joining its child process:");
Console.WriteLine($"   unsafe: {ChildDemo(() => Unsafe.Converter.Convert(dryRun: true), () => Unsafe.Converter.LastPid)}");
Console.WriteLine($"   fixed:  {ChildDemo(() => Fixed.Converter.Convert(dryRun: true), () => Fixed.Converter.LastPid)}");

Console.WriteLine("3. CONC202 — four workers of 100 ms each:");
Console.WriteLine($"   unsafe: {Timed(() => Unsafe.Crunchers.CrunchAll(new[] { 1, 2, 3, 4 }, _ => Thread.Sleep(100)))} (one after another)");
Console.WriteLine($"   fixed:  {Timed(() => Fixed.Crunchers.CrunchAll(new[] { 1, 2, 3, 4 }, _ => Thread.Sleep(100)))} (together)");

Console.WriteLine("4. CONC204 — publishing to a folder that does not exist:");
Console.WriteLine($"   unsafe: {Failure(() => Unsafe.Reports.Publish(missing, "report"))}");
Console.WriteLine($"   fixed:  {Failure(() => Fixed.Reports.Publish(missing, "report"))}");

Console.WriteLine("5. CONC207 — two jobs, the second one fails:");
Console.WriteLine($"   unsafe: {JobsDemo(new Unsafe.Jobs(), j => j.Put, j => j.Consume, j => j.WaitAll)}");
Console.WriteLine($"   fixed:  {JobsDemo(new Fixed.Jobs(), j => j.Put, j => j.Consume, j => j.WaitAll)}");

Console.WriteLine("6. CONC208 — three fetches of 100 ms each:");
var fetchedUnsafe = 0;
Unsafe.Fetcher.FetchAll(new[] { "a", "b", "c" }, async _ => { await Task.Delay(100); Interlocked.Increment(ref fetchedUnsafe); });
Console.WriteLine($"   unsafe: Parallel.ForEach returned with {Volatile.Read(ref fetchedUnsafe)} of 3 fetched");
var fetchedFixed = 0;
await Fixed.Fetcher.FetchAllAsync(new[] { "a", "b", "c" }, async _ => { await Task.Delay(100); Interlocked.Increment(ref fetchedFixed); });
Console.WriteLine($"   fixed:  Parallel.ForEachAsync returned with {Volatile.Read(ref fetchedFixed)} of 3 fetched");
return 0;

static void Compress() => Thread.Sleep(300);

static string ExportDemo<T>(T exporter, Action<T> export, Func<T, Thread?> worker)
{
    try
    {
        export(exporter);
        return "no error";
    }
    catch (DirectoryNotFoundException)
    {
        return worker(exporter)!.IsAlive
            ? "the caller got the error while the worker still runs: nobody waits for it"
            : "the caller got the error after the worker had finished";
    }
}

static string ChildDemo(Func<bool> convert, Func<int> pid)
{
    convert();
    bool running;
    try
    {
        using var os = System.Diagnostics.Process.GetProcessById(pid());
        running = !os.HasExited;
    }
    catch (ArgumentException)
    {
        running = false; // already gone
    }

    return running
        ? "returned while the child still runs: nobody will collect its exit code"
        : "returned after the child had ended and was joined";
}

static string Timed(Action run)
{
    var stopwatch = System.Diagnostics.Stopwatch.StartNew();
    run();
    return $"{stopwatch.ElapsedMilliseconds} ms";
}

static string Failure(Action publish)
{
    try
    {
        publish();
        return "returned normally: the failure happened where nobody looks";
    }
    catch (AggregateException e)
    {
        return $"the caller sees {e.InnerException!.GetType().Name}";
    }
}

static string JobsDemo<T>(T jobs, Func<T, Action<string>> put, Func<T, Action<Action<string>>> consume, Func<T, Func<TimeSpan, bool>> waitAll)
{
    // A runtime daemon thread: like Python's, an exception ends the thread (reported to stderr), not the program.
    var consumer = new Concurrency.Runtime.Threading.Thread(() => consume(jobs)(Handle), daemon: true);
    consumer.Start();
    put(jobs)("good");
    put(jobs)("bad");
    return waitAll(jobs)(TimeSpan.FromSeconds(1))
        ? "Join returned: every job was marked done"
        : "Join timed out after 1 s: the failed job was never marked done, a Join without a timeout hangs for ever";

    static void Handle(string job)
    {
        if (job == "bad")
        {
            throw new InvalidDataException("a bad job");
        }
    }
}
