namespace Concurrency.Runtime.Tests.Multiprocessing;

using Concurrency.Runtime.Multiprocessing;

/// <summary>
/// The xunit host cannot be started again as a child, so children are started as the ChildHost
/// helper program (its Main calls the guard; targets are loaded from this test assembly's file).
/// At the end, every child any test started must have ended: a survivor is killed and fails the run.
/// </summary>
public sealed class ChildProcessFixture : IDisposable
{
    private static readonly List<int> s_extraPids = new();

    public ChildProcessFixture()
    {
        Process.SetExecutable(HostPath);
    }

    /// <summary>The helper program: its apphost when there is one, else its dll (run with dotnet).</summary>
    public static string HostPath
    {
        get
        {
            var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Concurrency.Runtime.ChildHost.exe" : "Concurrency.Runtime.ChildHost");
            return File.Exists(apphost) ? apphost : Path.Combine(AppContext.BaseDirectory, "Concurrency.Runtime.ChildHost.dll");
        }
    }

    /// <summary>Records a process a test started some other way (a grandchild), to be checked at the end.</summary>
    public static void Track(int pid)
    {
        lock (s_extraPids)
        {
            s_extraPids.Add(pid);
        }
    }

    public void Dispose()
    {
        int[] extra;
        lock (s_extraPids)
        {
            extra = s_extraPids.ToArray();
        }

        var survivors = Process.SpawnedPids().Concat(extra).Where(ProcessState.IsRunning).ToList();
        foreach (var pid in survivors)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        Process.SetExecutable(null);
        Assert.True(survivors.Count == 0, $"child processes outlived the tests (now killed): {string.Join(", ", survivors)}");
    }
}

[CollectionDefinition(Name)]
public sealed class ChildProcessCollection : ICollectionFixture<ChildProcessFixture>
{
    public const string Name = "child processes";
}

internal static class ProcessState
{
    /// <summary>Whether <paramref name="pid"/> names a process that has not ended (a zombie has ended).</summary>
    public static bool IsRunning(int pid) => Native.ReadStat(Invariant(pid)) is { State: not ('Z' or 'X') };

    /// <summary>Whether <paramref name="pid"/> is a zombie: ended but not reaped by its parent.</summary>
    public static bool IsZombie(int pid) => Native.ReadStat(Invariant(pid)) is { State: 'Z' };

    public static string Invariant(int pid) => pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="limit"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }
}
