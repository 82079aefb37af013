using System.Diagnostics;
using Concurrency.Runtime.Coroutines;

namespace Chapter05.Coroutines;

public static class Demos
{
    // The course's Python, line for line:
    //   def consumer():                      def produce(c):
    //       r = ''                               c.send(None)
    //       while True:                          for n in range(1, 6):
    //           n = yield r                          print('[PRODUCER] Producing %s...' % n)
    //           if not n: return                     r = c.send(n)
    //           print('[CONSUMER] Consuming %s...' % n)   print('[PRODUCER] Consumer return: %s' % r)
    //           r = '200 OK'                     c.close()
    public static IEnumerable<string> Consumer(GeneratorInput<int?> input)
    {
        var r = "";
        while (true)
        {
            yield return r;
            var n = input.Value;
            if (n is null)
            {
                yield break;
            }

            Console.WriteLine($"[CONSUMER] Consuming {n}...");
            r = "200 OK";
        }
    }

    public static void ProducerConsumer()
    {
        var c = new Generator<int?, string>(Consumer);
        c.Next();
        for (var n = 1; n <= 5; n++)
        {
            Console.WriteLine($"[PRODUCER] Producing {n}...");
            var r = c.Send(n);
            Console.WriteLine($"[PRODUCER] Consumer return: {r}");
        }

        c.Close();
    }

    // The course's greenlet example: test1 prints 12, switches to test2 (56), which switches back (34);
    // test1 then ends and control returns to main, so 78 is never printed.
    public static void PingPong()
    {
        Greenlet? gr1 = null;
        Greenlet? gr2 = null;
        gr1 = new Greenlet(_ =>
        {
            Console.WriteLine($"12 (gr1 on thread {Environment.CurrentManagedThreadId})");
            gr2!.Switch();
            Console.WriteLine("34");
            return null;
        });
        gr2 = new Greenlet(_ =>
        {
            Console.WriteLine($"56 (gr2 on thread {Environment.CurrentManagedThreadId})");
            gr1.Switch();
            Console.WriteLine("78");
            return null;
        });
        gr1.Switch();
        Console.WriteLine($"back in main (thread {Environment.CurrentManagedThreadId}): gr1 dead = {gr1.Dead}, gr2 dead = {gr2.Dead} (78 never printed)");

        // Values both ways: each Switch returns what the next switch back passes.
        var main = Greenlet.Current;
        var echo = new Greenlet(first =>
        {
            var received = first;
            for (var i = 0; i < 3; i++)
            {
                received = main.Switch($"echo of {received}");
            }

            return "echo done";
        });
        Console.WriteLine(echo.Switch("ping 1"));
        Console.WriteLine(echo.Switch("ping 2"));
        Console.WriteLine(echo.Switch("ping 3"));
        Console.WriteLine(echo.Switch("last"));
    }

    private const int Tasks = 2;
    private const int Steps = 20_000;
    private const int WorkPerStep = 200;

    // Two CPU-bound jobs of Steps steps each. Serially: one job, then the other. As coroutines: a
    // switch after every step, the way a scheduler would interleave them. The total work is the same;
    // only the switching is added (on one thread nothing runs in parallel to pay for it).
    public static void CpuBound()
    {
        Warm();
        var serial = Time(() =>
        {
            for (var t = 0; t < Tasks; t++)
            {
                for (var s = 0; s < Steps; s++)
                {
                    Work(s);
                }
            }
        });
        var generators = Time(() =>
        {
            var jobs = Enumerable.Range(0, Tasks).Select(_ => new Generator<int, int>(Job)).ToList();
            var live = jobs.ToList();
            while (live.Count > 0)
            {
                for (var i = live.Count - 1; i >= 0; i--)
                {
                    try
                    {
                        live[i].Next();
                    }
                    catch (StopIterationException)
                    {
                        live.RemoveAt(i);
                    }
                }
            }
        });
        var greenlets = Time(() =>
        {
            var main = Greenlet.Current;
            var jobs = Enumerable.Range(0, Tasks).Select(_ => new Greenlet(_ =>
            {
                for (var s = 0; s < Steps; s++)
                {
                    Work(s);
                    main.Switch();
                }

                return null;
            })).ToList();
            while (jobs.Any(g => !g.Dead))
            {
                foreach (var g in jobs.Where(g => !g.Dead))
                {
                    g.Switch();
                }
            }
        });
        Console.WriteLine($"{Tasks} CPU-bound jobs of {Steps:N0} steps, a switch after every step:");
        Console.WriteLine($"   serial:                   {serial.TotalMilliseconds,8:F1} ms");
        Console.WriteLine($"   interleaved (generators): {generators.TotalMilliseconds,8:F1} ms ({generators / serial:F2}x serial)");
        Console.WriteLine($"   interleaved (greenlets):  {greenlets.TotalMilliseconds,8:F1} ms ({greenlets / serial:F2}x serial: each switch is a thread hand-off)");
        Console.WriteLine("   Switching adds cost and no speed: coroutines help only when the switch happens on a wait (IO).");
    }

    private static IEnumerable<int> Job(GeneratorInput<int> input)
    {
        for (var s = 0; s < Steps; s++)
        {
            Work(s);
            yield return s;
        }
    }

    private static double s_sink;

    private static void Work(int step)
    {
        var x = (double)step;
        for (var i = 0; i < WorkPerStep; i++)
        {
            x = Math.Sqrt(x + i);
        }

        s_sink += x;
    }

    private static void Warm()
    {
        for (var s = 0; s < 1_000; s++)
        {
            Work(s);
        }
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }
}
