// Course topics 2.7 and 3.9: what the lock mistakes cost.
// 1. An exception between Monitor.Enter and Monitor.Exit (CONC103) leaves the lock held: the next
//    caller hangs. 2. Two consumers woken for one letter (CONC105): the one that checked only once
//    wakes to an empty mailbox. 3. A non-reentrant gate taken again by its holder (CONC102) hangs.
using Unsafe = Chapter03.LockMistakes.Unsafe;
using Fixed = Chapter03.LockMistakes.Fixed;

Console.WriteLine("1. Withdraw more than the balance, then deposit from another thread:");
Console.WriteLine($"   unsafe: {LeakDemo(new Unsafe.Account(), a => a.Withdraw(100), a => a.Deposit(1))}");
Console.WriteLine($"   fixed:  {LeakDemo(new Fixed.Account(), a => a.Withdraw(100), a => a.Deposit(1))}");

Console.WriteLine("2. Two consumers, one letter, posted twice:");
Console.WriteLine($"   unsafe: {MailboxDemo(t => new Unsafe.Mailbox() is var m ? (m.Post, (Func<string>)(() => m.Take(t))) : default)}");
Console.WriteLine($"   fixed:  {MailboxDemo(t => new Fixed.Mailbox() is var m ? (m.Post, (Func<string>)(() => m.Take(t))) : default)}");

Console.WriteLine("3. Restock an item (a SemaphoreSlim(1, 1) taken again by its holder):");
Console.WriteLine($"   unsafe: {SelfDeadlockDemo(() => new Unsafe.Inventory().Restock("apple"))}");
Console.WriteLine($"   fixed:  {SelfDeadlockDemo(() => new Fixed.Inventory().Restock("apple"))}");

return 0;

static string LeakDemo<T>(T account, Action<T> failing, Action<T> next)
{
    try
    {
        failing(account);
    }
    catch (InvalidOperationException)
    {
        // the caller handled the error; is the account still usable?
    }

    var other = new Thread(() => next(account)) { IsBackground = true };
    other.Start();
    return other.Join(TimeSpan.FromSeconds(1))
        ? "the deposit went through"
        : "the deposit hangs: the failed withdrawal never released the lock";
}

static string SelfDeadlockDemo(Func<string> restock)
{
    string? result = null;
    var worker = new Thread(() => result = restock()) { IsBackground = true };
    worker.Start();
    return worker.Join(TimeSpan.FromSeconds(1)) ? $"done, {result}" : "hangs: the thread waits for the gate it holds";
}

static string MailboxDemo(Func<TimeSpan, (Action<string> Post, Func<string> Take)> create)
{
    var (post, take) = create(TimeSpan.FromMilliseconds(300));
    var results = new string[2];
    var consumers = Enumerable.Range(0, 2).Select(i => new Thread(() =>
    {
        try { results[i] = take(); }
        catch (Exception e) { results[i] = e.GetType().Name; }
    }) { IsBackground = true }).ToList();
    consumers.ForEach(c => c.Start());
    Thread.Sleep(100);
    post("first");
    Thread.Sleep(50);
    post("second");
    consumers.ForEach(c => c.Join(TimeSpan.FromSeconds(2)));
    return string.Join(", ", results.Select(r => r ?? "(still waiting)"));
}
