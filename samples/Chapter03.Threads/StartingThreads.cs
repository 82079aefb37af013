namespace Chapter03.Threads;

// Inside the namespace, so Thread means the course's Thread, not System.Threading.Thread.
using Concurrency.Runtime.Threading;

/// <summary>Course 3.2: a target (with arguments), or a subclass overriding Run.</summary>
public static class StartingThreads
{
    public static void Run()
    {
        // 1. Thread(target=task, args=("egon",))
        var first = new Thread((Action<string>)Task, new object?[] { "egon" });
        first.Start();

        // 2. class MyThread(Thread): def run(self): ...
        var second = new Greeter("alex");
        second.Start();

        first.Join();
        second.Join();
        Console.WriteLine($"main thread: {Thread.CurrentThread.Name}; both threads done, alive = {first.IsAlive || second.IsAlive}");
    }

    private static void Task(string name) => Console.WriteLine($"{name} runs in {Thread.CurrentThread.Name} (ident {Thread.CurrentThread.Ident})");

    private sealed class Greeter : Thread
    {
        private readonly string _who;

        public Greeter(string who)
            : base(name: "greeter")
        {
            _who = who;
        }

        protected override void Run() => Console.WriteLine($"{_who} runs in subclass {Name} (native id {NativeId})");
    }
}
