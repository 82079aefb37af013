namespace Concurrency.Runtime.Tests.Multiprocessing;

using Concurrency.Runtime.Multiprocessing;

/// <summary>Targets run in child processes (loaded there from this assembly's file). They report through files.</summary>
public static class Targets
{
    public static void Nothing()
    {
    }

    public static void Consume(object value) => GC.KeepAlive(value);

    public static void WriteIdentity(string path, int a, string b, int[] numbers)
    {
        var me = Process.Current;
        File.WriteAllText(path, $"{me.Pid} {me.ParentPid} {me.Name} {a} {b} {numbers.Sum()}");
    }

    public static void WriteRecord(string path, Order order) => File.WriteAllText(path, $"{order.Id}:{order.Item}:{order.Quantity}");

    public static void Throw(string message) => throw new InvalidOperationException(message);

    public static void ExitWith(int code) => Environment.Exit(code);

    public static void Sleep(int milliseconds) => Thread.Sleep(milliseconds);

    public static void StartGrandchild() => new Process(Nothing).Start();

    public static void WriteDaemonFlag(string path) => File.WriteAllText(path, Process.Current.Daemon ? "daemon" : "not daemon");
}

public sealed record Order(int Id, string Item, int Quantity);

/// <summary>The subclass way: public state travels, Run runs in the child.</summary>
public sealed class FileWriter : Process
{
    public FileWriter()
    {
    }

    public FileWriter(string path, int count)
        : base(name: "writer")
    {
        Path = path;
        Count = count;
    }

    public string Path { get; set; } = string.Empty;

    public int Count { get; set; }

    public List<string> Lines { get; set; } = new();

    protected override void Run()
    {
        var me = Current;
        File.WriteAllText(Path, $"{me.Name} {Count} {string.Join(",", Lines)} {me.Pid}");
    }
}

/// <summary>A subclass whose state cannot be recreated: no parameterless constructor and a delegate property.</summary>
public sealed class Unsendable : Process
{
    public Unsendable(Func<int> source)
    {
        Source = source;
    }

    public Func<int> Source { get; }

    protected override void Run() => Source();
}
