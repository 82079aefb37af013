// Course topic 2.2, Python's `if __name__ == '__main__':`. A child process is this program started
// again; without Process.EnterChildIfRequested() as the first statement, the child would run this
// code again instead of its target. CONC206 reports the missing guard; the runtime refuses to start.
using Concurrency.Runtime.Multiprocessing;

Console.WriteLine("Starting a child without the entry guard:");
try
{
    var child = new Process(Work, name: "worker");
    child.Start();
    child.Join();
}
catch (InvalidOperationException e)
{
    Console.WriteLine($"  {e.Message}");
}

return 0;

static void Work() => Console.WriteLine("the child runs");
