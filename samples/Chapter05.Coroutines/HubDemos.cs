// Course topic 5.3, the gevent hub: the course's "eat and play" example (two tasks that sleep 2 s and
// 1 s with Hub.Sleep take about 2 s in all, not 3), and a hub that fetches three local endpoints
// concurrently on its one thread (every line the greenlets print shows the same thread, the hub's).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Concurrency.Runtime.Coroutines;

namespace Chapter05.Coroutines;

public static class HubDemos
{
    // The course's gevent example: "eat" takes 2 s, "play" 1 s; both sleep with Hub.Sleep, so the hub
    // switches to the other while one sleeps and the whole takes ≈ the longer one (2 s), not the sum (3 s).
    public static void EatAndPlay()
    {
        Console.WriteLine("gevent's eat and play, on one thread:");
        var watch = Stopwatch.StartNew();
        Hub.Run(async () =>
        {
            var eat = Hub.Spawn(async () =>
            {
                Console.WriteLine($"   eat: start   ({Where(watch)})");
                await Hub.Sleep(TimeSpan.FromSeconds(2));
                Console.WriteLine($"   eat: end     ({Where(watch)})");
            });
            var play = Hub.Spawn(async () =>
            {
                Console.WriteLine($"   play: start  ({Where(watch)})");
                await Hub.Sleep(TimeSpan.FromSeconds(1));
                Console.WriteLine($"   play: end    ({Where(watch)})");
            });
            await Hub.JoinAll(eat, play);
        });
        Console.WriteLine($"   total {watch.Elapsed.TotalSeconds:F2} s: the longer task, not the sum of both (3 s)");
    }

    // A hub fetching three local endpoints at once: a TcpListener (started here, serving on the thread
    // pool) answers each request after 500 ms. The three greenlets connect, send and read with async
    // socket calls, so the hub switches on each of them: ≈ 0.5 s in all, not 1.5 s, and every line of
    // the greenlets prints the same thread id — the hub's.
    public static void FetchConcurrently()
    {
        Console.WriteLine("Three fetches from local endpoints, concurrently on one thread:");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = Serve(listener, stop.Token);
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"   caller on thread {Environment.CurrentManagedThreadId}");
        var bodies = Hub.Run(async () =>
        {
            var fetches = new[] { "/a", "/b", "/c" }.Select(path => Hub.Spawn(() => Fetch(port, path, watch))).ToArray();
            await Hub.JoinAll(fetches);
            return fetches.Select(f => f.Value).ToArray();
        });
        Console.WriteLine($"   got {string.Join(", ", bodies)} in {watch.Elapsed.TotalSeconds:F2} s (one after another: 1.5 s)");
        stop.Cancel();
        listener.Stop();
        try
        {
            server.Wait();
        }
        catch (AggregateException)
        {
            // the accept loop ends with the listener
        }
    }

    private static async Task<string> Fetch(int port, string path, Stopwatch watch)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        Console.WriteLine($"   GET {path} sent      ({Where(watch)})");
        await client.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\n\r\n"), SocketFlags.None);
        var buffer = new byte[1024];
        var received = new StringBuilder();
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var text = received.ToString();
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Console.WriteLine($"   GET {path} answered  ({Where(watch)})");
        return body;
    }

    // A tiny HTTP/1.0 server: each connection is answered after 500 ms with "hello from <path>".
    private static async Task Serve(TcpListener listener, CancellationToken stop)
    {
        var connections = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var peer = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
                connections.Add(Answer(peer, stop));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private static async Task Answer(TcpClient peer, CancellationToken stop)
    {
        using (peer)
        {
            var stream = peer.GetStream();
            var buffer = new byte[1024];
            var n = await stream.ReadAsync(buffer, stop).ConfigureAwait(false);
            var path = Encoding.ASCII.GetString(buffer, 0, n).Split(' ')[1];
            await Task.Delay(500, stop).ConfigureAwait(false);
            var response = Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from {path}");
            await stream.WriteAsync(response, stop).ConfigureAwait(false);
        }
    }

    private static string Where(Stopwatch watch) =>
        $"t={watch.Elapsed.TotalSeconds:F2} s, thread {Environment.CurrentManagedThreadId} {Thread.CurrentThread.Name}";
}
