namespace Chapter03.Threads;

using Concurrency.Runtime.Threading;

/// <summary>Course 3.9: cars wait for the light's Event; one Set releases them all.</summary>
public static class TrafficLight
{
    public static void Run()
    {
        var green = new Event();
        var cars = Enumerable.Range(1, 3).Select(i => new Thread(() =>
        {
            Console.WriteLine($"  car {i} waits at the red light");
            if (!green.Wait(TimeSpan.FromMilliseconds(50)))
            {
                Console.WriteLine($"  car {i}: still red after 50 ms, keeps waiting");
                green.Wait();
            }

            Console.WriteLine($"  car {i} drives on green");
        })).ToList();
        cars.ForEach(c => c.Start());
        System.Threading.Thread.Sleep(200);
        Console.WriteLine("light turns green");
        green.Set();
        cars.ForEach(c => c.Join());
        Console.WriteLine($"IsSet = {green.IsSet}");
    }
}
