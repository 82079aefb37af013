using System.IO;
using System.Runtime.InteropServices;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>The few operating-system calls .NET has no API for: SIGTERM and the parent pid.</summary>
internal static class Native
{
    internal const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if the process is gone.</summary>
    internal static bool Signal(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>
    /// The parent's pid, read live (it changes to 1 or a subreaper's pid when the parent dies): on
    /// Linux from <c>/proc/self/stat</c>, elsewhere on Unix from <c>getppid()</c>; null on Windows.
    /// </summary>
    internal static int? ParentPid()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (OperatingSystem.IsLinux() && ReadStat("self") is { } stat)
        {
            return stat.ParentPid;
        }

        return SysGetPpid();
    }

    /// <summary>
    /// The state letter and parent pid of a process from <c>/proc/&lt;pid&gt;/stat</c> (Linux), or null
    /// if there is no such process. The command name may hold spaces and parentheses, so the fields
    /// are counted after its last closing parenthesis.
    /// </summary>
    internal static (char State, int ParentPid)? ReadStat(string pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int sig);

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int SysGetPpid();
}
