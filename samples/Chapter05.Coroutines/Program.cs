// Course topic 5.3: concurrency inside one thread is switching plus saved state, and switching pays
// off only when a coroutine would otherwise wait (IO). Three demos, chosen by the first argument:
//   yield     the course's producer/consumer with a generator you Send values into
//   greenlet  ping-pong between greenlets that switch explicitly
//   cpu       CPU-bound work: switching between coroutines against running them serially
//   gevent    the course's gevent example on the hub: "eat" 2 s and "play" 1 s take 2 s in all
//   fetch     a hub fetching three local endpoints concurrently on one thread
//   blocking  CONC405: the eat/play hub with Thread.Sleep and sync IO (Unsafe/) against Hub.Sleep
//             and async IO (Fixed/): the sum of the pauses against the longer one
// With no argument, all of them run.
using Chapter05.Coroutines;

var demos = new Dictionary<string, Action>(StringComparer.OrdinalIgnoreCase)
{
    ["yield"] = Demos.ProducerConsumer,
    ["greenlet"] = Demos.PingPong,
    ["cpu"] = Demos.CpuBound,
    ["gevent"] = HubDemos.EatAndPlay,
    ["fetch"] = HubDemos.FetchConcurrently,
    ["blocking"] = BlockingAgainstCooperative,
};
var chosen = args.Length == 0 ? demos.Keys.ToArray() : args;
foreach (var name in chosen)
{
    if (!demos.TryGetValue(name, out var demo))
    {
        Console.Error.WriteLine($"Unknown demo '{name}': choose one of {string.Join(", ", demos.Keys)}.");
        return 2;
    }

    Console.WriteLine($"== {name} ==");
    demo();
}

return 0;

static void BlockingAgainstCooperative()
{
    var menu = Path.GetTempFileName();
    File.WriteAllText(menu, "soup, bread, tea");
    try
    {
        var blocking = Chapter05.Coroutines.Unsafe.BlockingHub.Run(menu);
        var cooperative = Chapter05.Coroutines.Fixed.CooperativeHub.Run(menu);
        Console.WriteLine($"blocking calls on the hub: {blocking.TotalMilliseconds:F0} ms (the pauses add up: 200 + 100)");
        Console.WriteLine($"Hub.Sleep and async IO:    {cooperative.TotalMilliseconds:F0} ms (the longer pause: 200)");
    }
    finally
    {
        File.Delete(menu);
    }
}
