namespace Concurrency.Runtime.Multiprocessing;

// What a parent process does when it exits, as Python's multiprocessing at exit.
public partial class Process
{
    private static readonly List<Action> s_beforeExitWait = new();  // guarded by s_registry

    /// <summary>
    /// Runs <paramref name="hook"/> when this process exits normally, before it waits for its
    /// non-daemon children (a process pool stops its workers there, as CPython's <c>_python_exit</c>
    /// joins its executors first). A hook that throws is reported on standard error.
    /// </summary>
    internal static void AtExitBeforeChildren(Action hook)
    {
        lock (s_registry)
        {
            s_beforeExitWait.Add(hook);
        }
    }

    /// <summary>As Python at exit: terminate daemon children, then wait for the others.</summary>
    private static void OnParentExit()
    {
        Action[] hooks;
        lock (s_registry)
        {
            hooks = s_beforeExitWait.ToArray();
        }

        foreach (var hook in hooks)
        {
            try
            {
                hook();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"multiprocessing (pid {Environment.ProcessId}): an exit hook failed: {e}");
            }
        }

        Process[] children;
        lock (s_registry)
        {
            children = s_children.ToArray();
        }

        foreach (var child in children.Where(c => c._daemon && c.IsAlive))
        {
            child.Terminate();
            child._lifeline?.Dispose();
        }

        foreach (var child in children.Where(c => !c._daemon))
        {
            child._os?.WaitForExit();
        }

        RuntimeDirectory.Delete();
    }
}
