namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Course 2.2: a target with arguments, or a subclass overriding Run; each is a real OS process.</summary>
public static class StartingProcesses
{
    public static void Run()
    {
        Console.WriteLine($"parent: pid {Environment.ProcessId}");

        // 1. Process(target=task, args=("egon",)): a static method (or a lambda that captures
        //    nothing), found by name in the child; the arguments travel as JSON.
        var first = new Process((Action<string>)Task, new object?[] { "egon" });
        first.Start();

        // 2. class MyProcess(Process): def run(self): ... — the subclass's public state travels.
        var second = new Greeter { Who = "alex" };
        second.Start();

        first.Join();
        second.Join();
        Console.WriteLine($"parent: both children done (exit codes {first.ExitCode} and {second.ExitCode})");
    }

    private static void Task(string name) => Console.WriteLine($"  {name} runs in child pid {Environment.ProcessId} (parent {Process.Current.ParentPid})");

    /// <summary>A subclass: needs a public parameterless constructor and public members for its state.</summary>
    public sealed class Greeter : Process
    {
        public Greeter()
            : base(name: "greeter")
        {
        }

        public string Who { get; set; } = string.Empty;

        protected override void Run() => Console.WriteLine($"  {Who} runs in subclass {Name}, pid {Environment.ProcessId}");
    }
}
