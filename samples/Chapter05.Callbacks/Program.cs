// Course topic 5.1: synchronous submission (submit, wait, submit the next) against asynchronous
// submission (submit all, then collect, or be notified). CONC205 flags the first, CONC204 a future
// nobody reads; the demo times both and prints who runs a callback.
using Concurrency.Runtime.Futures;
using Concurrency.Runtime.Multiprocessing;
using Unsafe = Chapter05.Callbacks.Unsafe;
using Fixed = Chapter05.Callbacks.Fixed;

// CONC206: a process pool's workers are this program started again.
Process.EnterChildIfRequested();

var files = new[] { "a.txt", "b.txt", "c.txt", "d.txt" };
using var pool = new ThreadPoolExecutor(maxWorkers: 4);

Console.WriteLine("1. CONC205 — four checksums of 100 ms each on a pool of four workers:");
Console.WriteLine($"   unsafe: {Timed(() => Unsafe.Checksums.All(pool, files, Checksum))} (one at a time)");
Console.WriteLine($"   fixed:  {Timed(() => Fixed.Checksums.All(pool, files, Checksum))} (together)");

Console.WriteLine("2. CONC205 — four sizes of 100 ms each with await Task.Run:");
Console.WriteLine($"   unsafe: {await TimedAsync(() => Unsafe.Checksums.TotalAsync(files, Size))} (one at a time)");
Console.WriteLine($"   fixed:  {await TimedAsync(() => Fixed.Checksums.TotalAsync(files, Size))} (together)");
Console.WriteLine("3. CONC204 — notify three users, the send to 'bob' fails:");
var sent = 0;
Unsafe.Notifier.NotifyAll(pool, new[] { "ann", "bob", "cid" }, user => Send(user, ref sent));
await Task.Delay(200);
Console.WriteLine($"   unsafe: {Volatile.Read(ref sent)} sent, and nothing says that one failed");
var reported = new List<string>();
Fixed.Notifier.NotifyAll(pool, new[] { "ann", "bob", "cid" }, user => Send(user, ref sent), (user, e) => { lock (reported) { reported.Add($"{user}: {e.Message}"); } });
await Task.Delay(200);
lock (reported)
{
    Console.WriteLine($"   fixed:  the callback reported {string.Join("; ", reported)}");
}

Console.WriteLine("4. Who runs a callback (CPython's add_done_callback):");
var main = $"thread {Environment.CurrentManagedThreadId} ({Thread.CurrentThread.Name ?? "main"}) of process {Environment.ProcessId}";
Console.WriteLine($"   the submitter:      {main}");
var threadFuture = pool.Submit(() => $"thread {Environment.CurrentManagedThreadId} ({Thread.CurrentThread.Name})");
threadFuture.AddDoneCallback(done => Console.WriteLine(
    $"   thread pool:        work ran on {done.Result()}, its callback on thread {Environment.CurrentManagedThreadId} ({Thread.CurrentThread.Name}): the worker that finished"));
await threadFuture;
await Task.Delay(50);
using (var processes = new ProcessPoolExecutor(maxWorkers: 1))
{
    var processFuture = processes.Submit(ChildWork.ProcessId);
    var callbackRan = new ManualResetEventSlim();
    processFuture.AddDoneCallback(done =>
    {
        Console.WriteLine($"   process pool:       work ran in process {done.Result()}, its callback in process {Environment.ProcessId} on thread {Environment.CurrentManagedThreadId}: the parent");
        callbackRan.Set();
    });
    callbackRan.Wait(TimeSpan.FromSeconds(30));
}

var finished = new Future<int>();
finished.SetResult(1);
finished.AddDoneCallback(_ => Console.WriteLine($"   an already done one: thread {Environment.CurrentManagedThreadId}, at once, on the caller"));
return 0;

static void Send(string user, ref int sent)
{
    Thread.Sleep(20);
    if (user == "bob")
    {
        throw new IOException("mailbox of bob is full");
    }

    Interlocked.Increment(ref sent);
}

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

// Work for a process pool: a static method, found again by name in the child.
internal static class ChildWork
{
    public static int ProcessId() => Environment.ProcessId;
}
