// Course topics 3.4, 3.5: what shared state without a lock costs.
// Each demo runs the unsafe version (Unsafe/, flagged by the CONC3xx rules) beside the fixed one (Fixed/).
using Unsafe = Chapter03.SharedState.Unsafe;
using Fixed = Chapter03.SharedState.Fixed;

const int Threads = 4;
const int Increments = 10_000_000;

Console.WriteLine($"1. CONC301 — the course's counter: {Threads} threads add 1, {Increments:N0} times each:");
Console.WriteLine($"   unsafe: {Survived(Unsafe.Counter.Count(Threads, Increments))}");
Console.WriteLine($"   fixed:  {Survived(Fixed.Counter.Count(Threads, Increments))}");

Console.WriteLine("2. CONC301 — a crawler counts on its thread while the caller reads its progress:");
var unsafeCrawler = new Unsafe.Crawler();
unsafeCrawler.Start(10_000_000);
Console.WriteLine($"   unsafe: read {unsafeCrawler.Pages:N0} pages while it runs (a plain read: no guarantee it is ever fresh)");
unsafeCrawler.Join();
var fixedCrawler = new Fixed.Crawler();
fixedCrawler.Start(10_000_000);
Console.WriteLine($"   fixed:  read {fixedCrawler.Pages:N0} pages while it runs (Interlocked.Read: a current value)");
fixedCrawler.Join();
Console.WriteLine($"   after the joins: {unsafeCrawler.Pages:N0} and {fixedCrawler.Pages:N0}");

Console.WriteLine("3. CONC302 — two threads deposit 1 and two withdraw 1, 1,000,000 times each (the balance should end at 0):");
Console.WriteLine($"   unsafe: {Balance(new Unsafe.Account(), a => a.Deposit, a => a.Withdraw, a => a.Balance)}");
Console.WriteLine($"   fixed:  {Balance(new Fixed.Account(), a => a.Deposit, a => a.Withdraw, a => a.Balance)}");

Console.WriteLine("4. CONC304 — eight threads read settings loaded on first use:");
Unsafe.Settings.ReadFromThreads(new Unsafe.Settings(), 8);
Fixed.Settings.ReadFromThreads(new Fixed.Settings(), 8);
Console.WriteLine($"   unsafe: loaded {Unsafe.Settings.Loads} times");
Console.WriteLine($"   fixed:  loaded {Fixed.Settings.Loads} time(s)");

Console.WriteLine("5. CONC306 — a poller stopped by a flag after 200 ms (at most 4,000,000,000 polls):");
Console.WriteLine($"   unsafe: {Polled(new Unsafe.Poller(), p => p.Start, p => p.Stop, p => p.Polls)}");
Console.WriteLine($"   fixed:  {Polled(new Fixed.Poller(), p => p.Start, p => p.Stop, p => p.Polls)}");

Console.WriteLine("6. CONC303 — a Parallel loop adds 2,000,000 items to a list:");
Console.WriteLine($"   unsafe: {Collected(() => Unsafe.Results.Collect(2_000_000))}");
Console.WriteLine($"   fixed:  {Collected(() => Fixed.Results.Collect(2_000_000))}");
return 0;

static string Collected(Func<int> collect)
{
    try
    {
        return $"{collect():N0} of 2,000,000 items";
    }
    catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or AggregateException)
    {
        return $"the list broke under the race ({e.GetType().Name})";
    }
}

static string Polled<T>(T poller, Func<T, Action<long>> start, Func<T, Action> stop, Func<T, long> polls)
{
    const long max = 4_000_000_000;
    start(poller)(max);
    Thread.Sleep(200);
    stop(poller)();
    return polls(poller) >= max ? $"never saw the stop (ran out after {max:N0} polls: the read was hoisted)" : $"stopped after {polls(poller):N0} polls";
}

static string Balance<T>(T account, Func<T, Action<decimal>> deposit, Func<T, Action<decimal>> withdraw, Func<T, decimal> balance)
{
    using var start = new Barrier(4);
    var workers = new[] { deposit(account), deposit(account), withdraw(account), withdraw(account) }
        .Select(change => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 1_000_000; i++)
            {
                change(1);
            }
        }))
        .ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    return $"balance {balance(account):N0}";
}

static string Survived(int count)
{
    const int expected = Threads * Increments;
    return $"{count:N0} of {expected:N0} updates survived ({100.0 * count / expected:F1} %)";
}
