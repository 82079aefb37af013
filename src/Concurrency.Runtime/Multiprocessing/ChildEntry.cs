using System.IO;
using System.Text.Json;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// What the guard does in a child: reads the payload the parent wrote to standard input (one JSON
/// line), recreates the process object, runs it, and reports an escaping exception to the parent.
/// A daemon child keeps reading standard input and exits when it reaches end of file, which happens
/// when the parent closes it or dies (the kernel closes a dead process's pipe ends).
/// </summary>
internal static class ChildEntry
{
    /// <summary>The exit code of a daemon child whose parent went away: 128 + SIGTERM, as if terminated.</summary>
    internal const int OrphanedDaemonExitCode = 143;

    internal static int Run()
    {
        var stdin = Console.OpenStandardInput();
        var line = ReadLine(stdin);
        string name = "child";
        string? resultPath = null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            name = root.GetProperty("name").GetString()!;
            resultPath = root.GetProperty("result").GetString();
            var daemon = root.GetProperty("daemon").GetBoolean();
            if (daemon)
            {
                WatchParent(stdin);
            }

            Process process;
            if (root.GetProperty("kind").GetString() == "subclass")
            {
                var type = Wire.ResolveType(root.GetProperty("type").GetString()!, root.GetProperty("asm").GetString()!);
                process = (Process)JsonSerializer.Deserialize(root.GetProperty("state").GetString()!, type, Wire.Options)!;
            }
            else
            {
                process = Process.ForChild(TargetSpec.Read(root));
            }

            process.RunAsCurrent(name, daemon);
            return 0;
        }
        catch (Exception e)
        {
            Report(e, name, resultPath);
            return 1;
        }
    }

    private static void WatchParent(Stream stdin)
    {
        var watcher = new System.Threading.Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (stdin.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            Environment.Exit(OrphanedDaemonExitCode);
        })
        {
            IsBackground = true,
            Name = "daemon parent watch",
        };
        watcher.Start();
    }

    /// <summary>Reads bytes up to a newline, one at a time so nothing after it is consumed.</summary>
    private static byte[] ReadLine(Stream stdin)
    {
        var bytes = new List<byte>(1024);
        var one = new byte[1];
        while (stdin.Read(one) == 1 && one[0] != (byte)'\n')
        {
            bytes.Add(one[0]);
        }

        return bytes.ToArray();
    }

    /// <summary>Like Python: the traceback on stderr, and the type and message for the parent's <see cref="Process.Error"/>.</summary>
    private static void Report(Exception e, string name, string? resultPath)
    {
        Console.Error.WriteLine($"Process {name}:");
        Console.Error.WriteLine(e.ToString());
        if (resultPath is null)
        {
            return;
        }

        try
        {
            var report = new Dictionary<string, string>
            {
                ["type"] = e.GetType().FullName ?? e.GetType().Name,
                ["message"] = e.Message,
                ["stack"] = e.StackTrace ?? string.Empty,
            };
            File.WriteAllBytes(resultPath, JsonSerializer.SerializeToUtf8Bytes(report));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
