using Concurrency.Runtime.Coroutines;

namespace Chapter05.Coroutines.Fixed;

/// <summary>
/// The same two coroutines, switching where they wait: Hub.Sleep parks only the coroutine that
/// sleeps (the hub runs the other meanwhile), and the async read yields to the hub until the file
/// is read. The total is the longer pause, not the sum. No CONC405.
/// </summary>
public static class CooperativeHub
{
    public static TimeSpan Run(string menuPath)
    {
        var started = DateTime.UtcNow;
        Hub.Run(async () =>
        {
            var eat = Hub.Spawn(async () =>
            {
                Console.WriteLine("eat start");
                var menu = await File.ReadAllTextAsync(menuPath);
                await Hub.Sleep(TimeSpan.FromMilliseconds(200));
                Console.WriteLine($"eat end ({menu.Length} chars of menu)");
            });
            var play = Hub.Spawn(async () =>
            {
                Console.WriteLine("play start");
                await Hub.Sleep(TimeSpan.FromMilliseconds(100));
                Console.WriteLine("play end");
            });
            await Hub.JoinAll(eat, play);
        });
        return DateTime.UtcNow - started;
    }
}
