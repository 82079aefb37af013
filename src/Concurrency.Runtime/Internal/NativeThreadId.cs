using System.Runtime.InteropServices;

namespace Concurrency.Runtime.Internal;

/// <summary>The operating system's id of the calling thread (Python's <c>threading.get_native_id()</c>).</summary>
internal static class NativeThreadId
{
    internal static long Current()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return LinuxGetTid();
            }

            if (OperatingSystem.IsWindows())
            {
                return WindowsGetCurrentThreadId();
            }

            if (OperatingSystem.IsMacOS() && MacThreadId(IntPtr.Zero, out var id) == 0)
            {
                return (long)id;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Fall through: an unusual libc; the managed id is still unique among live threads.
        }

        return Environment.CurrentManagedThreadId;
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int LinuxGetTid();

    [DllImport("kernel32", EntryPoint = "GetCurrentThreadId")]
    private static extern uint WindowsGetCurrentThreadId();

    [DllImport("libc", EntryPoint = "pthread_threadid_np")]
    private static extern int MacThreadId(IntPtr thread, out ulong id);
}
