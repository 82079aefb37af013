using System.IO;
namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A private directory per process (mode 700, under the temp folder) for the broker's socket and the
/// children's error reports; deleted when the process exits normally. A killed process leaves it
/// behind (<c>/tmp/concurrency-mp-&lt;pid&gt;-*</c>), like CPython's <c>pymp-*</c> folders.
/// </summary>
internal static class RuntimeDirectory
{
    private static readonly Lazy<string> s_path = new(Create, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);

    internal static string Path => s_path.Value;

    internal static void Delete()
    {
        if (!s_path.IsValueCreated)
        {
            return;
        }

        try
        {
            Directory.Delete(s_path.Value, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Create()
    {
        // Unix socket paths are limited to ~107 bytes: prefer a short temp folder.
        var root = System.IO.Path.GetTempPath();
        if (root.Length > 60 && Directory.Exists("/tmp"))
        {
            root = "/tmp";
        }

        var path = System.IO.Path.Combine(root, $"concurrency-mp-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
