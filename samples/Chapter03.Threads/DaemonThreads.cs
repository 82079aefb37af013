namespace Chapter03.Threads;

using Concurrency.Runtime.Threading;

/// <summary>Course 3.3: a daemon thread ends with the last non-daemon thread; it does not keep the process alive.</summary>
public static class DaemonThreads
{
    public static void Run()
    {
        var heartbeat = new Thread(() =>
        {
            for (var beat = 1; ; beat++)
            {
                Console.WriteLine($"  daemon heartbeat {beat}");
                System.Threading.Thread.Sleep(100);
            }
        }, name: "heartbeat", daemon: true);
        heartbeat.Start();

        var worker = new Thread(() => System.Threading.Thread.Sleep(250), name: "worker");
        worker.Start();
        worker.Join();
        Console.WriteLine($"non-daemon worker finished; the daemon is still alive = {heartbeat.IsAlive}, and the process now exits without waiting for it");
    }
}
