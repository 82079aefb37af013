using Concurrency.Runtime.Coroutines;

namespace Chapter05.Coroutines.Unsafe;

/// <summary>
/// The course's gevent example gone wrong (topic 5.3): two coroutines "eat" and "play" on one hub,
/// but they pause with Thread.Sleep and read the menu with synchronous file IO. The hub has one
/// thread and switches only where a coroutine yields, so each blocking call stalls the other
/// coroutine too: the total is the sum of the pauses, not the longer one. CONC405 flags each call.
/// </summary>
public static class BlockingHub
{
    public static TimeSpan Run(string menuPath)
    {
        var started = DateTime.UtcNow;
        Hub.Run(async () =>
        {
            var eat = Hub.Spawn(async () =>
            {
                Console.WriteLine("eat start");
                await Hub.Sleep(TimeSpan.Zero);           // let "play" start: the hub switches here
                var menu = File.ReadAllText(menuPath);   // CONC405: sync IO on the hub thread
                Thread.Sleep(200);                        // CONC405: every coroutine of the hub waits
                Console.WriteLine($"eat end ({menu.Length} chars of menu)");
            });
            var play = Hub.Spawn(() =>
            {
                Console.WriteLine("play start");
                Thread.Sleep(100);                        // CONC405, in a non-async coroutine too
                Console.WriteLine("play end");
                return Task.CompletedTask;
            });
            await Hub.JoinAll(eat, play);
        });
        return DateTime.UtcNow - started;
    }
}
