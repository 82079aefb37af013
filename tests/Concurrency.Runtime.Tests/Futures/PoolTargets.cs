namespace Concurrency.Runtime.Tests.Futures;

/// <summary>Work run in a process pool's workers (loaded there from this assembly's file, as Multiprocessing/Targets.cs).</summary>
public static class PoolTargets
{
    public static int Pid() => Environment.ProcessId;

    public static void Nothing()
    {
    }

    public static int Consume(object value) => value.GetHashCode();

    public static int Square(int n) => n * n;

    public static int NoOp(int n) => n;

    public static Tally Count(Parcel order) => new(order.Item.ToUpperInvariant(), order.Quantity * 2, Environment.ProcessId);

    /// <summary>Sleeps, then returns its pid: work that is still running when the test acts.</summary>
    public static int SleepThenPid(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return Environment.ProcessId;
    }

    /// <summary>Writes its pid to <paramref name="path"/> and sleeps long: a worker to kill mid-task.</summary>
    public static int ReportPidThenSleep(string path)
    {
        File.WriteAllText(path + ".tmp", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(path + ".tmp", path);
        Thread.Sleep(60_000);
        return Environment.ProcessId;
    }

    public static int Fail(string message) => throw new InvalidOperationException(message);

    public static int FailWithCustom(string message) => throw new PoolTestException(message);

    /// <summary>An exception type with no (string, Exception) constructor: it comes back as a ChildProcessException.</summary>
    public static int FailWithOdd(int code) => throw new OddException(code);

    /// <summary>The initializer: leaves a mark in the worker that <see cref="Initialized"/> reads.</summary>
    public static void Initialize() => s_initializedIn = Environment.ProcessId;

    public static void FailToInitialize() => throw new InvalidOperationException("no database in this worker");

    /// <summary>The pid the initializer ran in (0 if it did not run in this process) and this process's pid.</summary>
    public static int[] Initialized(int unused) => new[] { s_initializedIn, Environment.ProcessId };

    public static Func<int> ReturnsCode() => () => 1;

    /// <summary>A result declared as object that cannot travel: the child reports it as the work's error.</summary>
    public static object MakeStream(int capacity) => new MemoryStream(capacity);

    private static int s_initializedIn;
}

public sealed record Parcel(int Id, string Item, int Quantity);

public sealed record Tally(string Item, int Doubled, int Pid);

public sealed class PoolTestException : Exception
{
    public PoolTestException()
    {
    }

    public PoolTestException(string message)
        : base(message)
    {
    }

    public PoolTestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

#pragma warning disable CA1032 // deliberately without the usual constructors
public sealed class OddException : Exception
{
    public OddException(int code)
        : base($"odd {code}")
    {
    }
}
#pragma warning restore CA1032
