// Course topic 5.1 — synchronous vs asynchronous submission.
// 100 requests each wait 50 ms on IO. With 'await', the wait holds no thread; with '.Result', each
// request holds a thread-pool thread, and the pool, which starts with one thread per core and adds
// threads slowly, starves: the continuations that would complete the queries wait for a thread too.
// Then the deadlock: '.Result' under a single-threaded context.
using System.Diagnostics;
using Chapter05.AsyncBlocking;
using Chapter05.AsyncBlocking.Fixed;
using Chapter05.AsyncBlocking.Unsafe;

const int Requests = 100;
var patience = TimeSpan.FromSeconds(30);

var awaited = await Measure("await (Fixed/)", () => AwaitingRequests.HandleAsync);
var blocked = await Measure(".Result (Unsafe/)", () => BlockingRequests.HandleAsync);
Console.WriteLine($"Blocking in async code was {blocked / awaited:F1}x slower for the same work.");
Console.WriteLine($"Both-ready results after WhenAll: {await AwaitingRequests.SumAsync(20)}");

Console.WriteLine();
Console.WriteLine("Deadlock demo: '.Result' on a single-threaded synchronization context (like a UI thread).");
Console.WriteLine(SingleThreadContext.RunWithTimeout(BlockOnContext, TimeSpan.FromSeconds(2))
    ? "  finished (no deadlock)"
    : "  deadlocked: the continuation needs the thread that is blocked waiting for it; gave up after 2 s.");
Console.WriteLine(SingleThreadContext.RunWithTimeout(AwaitOnContext, TimeSpan.FromSeconds(2))
    ? "  with 'await' instead: finished"
    : "  with 'await' instead: deadlocked (unexpected)");
return 0;

async Task<double> Measure(string label, Func<Func<int, Task<int>>> handler)
{
    var handle = handler();
    var stopwatch = Stopwatch.StartNew();
    var all = Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(() => handle(i))));
    var finished = await Task.WhenAny(all, Task.Delay(patience)) == all;
    var ms = stopwatch.Elapsed.TotalMilliseconds;
    Console.WriteLine(finished
        ? $"{label,-20} {Requests} requests x {FakeDatabase.Latency.TotalMilliseconds} ms IO: {ms,8:F0} ms, {ThreadPool.ThreadCount} pool threads"
        : $"{label,-20} not done after {patience.TotalSeconds} s: the thread pool is starved");
    return ms;
}

static void BlockOnContext()
{
    var value = FakeDatabase.QueryAsync(1);
    _ = value.Result; // a synchronous method may block: CONC401 does not report it — but see the deadlock
}

static async void AwaitOnContext()
{
    _ = await FakeDatabase.QueryAsync(1);
    SingleThreadContext.Current?.Complete();
}
