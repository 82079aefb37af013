// Copied verbatim from docs/runtime.md: keep the two in step.
namespace Demo;

using Concurrency.Runtime.Queues;
using Concurrency.Runtime.Threading;

public static class JobsDemo
{
    public static void Run()
    {
        var jobs = new Queue<string>(maxsize: 8);   // 0 = unbounded; negative throws
        var consumer = new Thread(() =>
        {
            while (true)
            {
                try
                {
                    var job = jobs.Get(timeout: TimeSpan.FromSeconds(1));
                    Console.WriteLine($"did {job}");
                    jobs.TaskDone();
                }
                catch (QueueShutDownException) { return; }   // drained after Shutdown()
                catch (QueueEmptyException) { }               // timed out: try again
            }
        });
        consumer.Start();
        foreach (var job in new[] { "a", "b", "c" })
        {
            jobs.Put(job);                                    // blocks while full
        }

        jobs.Join();                                          // every TaskDone seen
        jobs.Shutdown();                                      // Python 3.13: getters drain, then ShutDown
        consumer.Join();
    }
}
