namespace Concurrency.Runtime.Tests.Multiprocessing;

using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.Queues;
using Lock = Concurrency.Runtime.Multiprocessing.Lock;
using Process = Concurrency.Runtime.Multiprocessing.Process;
using Semaphore = Concurrency.Runtime.Multiprocessing.Semaphore;

[Collection(ChildProcessCollection.Name)]
public sealed class IpcTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mp-ipc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static Process Run(Delegate target, params object?[] args)
    {
        var process = new Process(target, args);
        process.Start();
        return process;
    }

    private static void JoinAll(params Process[] processes)
    {
        foreach (var process in processes)
        {
            Assert.True(process.Join(Timing.Patience), $"{process} did not end");
            Assert.True(process.ExitCode == 0, $"{process} failed: {process.Error?.Message}");
        }
    }

    [Fact]
    public void A_child_puts_on_a_process_queue_and_the_parent_gets_every_item_in_order()
    {
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        var producer = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int, int>)IpcTargets.Produce, queue, 0, 1000);
        var got = Enumerable.Range(0, 1000).Select(_ => queue.Get(timeout: Timing.Patience)).ToList();
        JoinAll(producer);

        Assert.Equal(Enumerable.Range(0, 1000), got);
        Assert.True(queue.Empty);
        Assert.Throws<QueueEmptyException>(() => queue.Get(block: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Get(timeout: TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void In_a_child_a_full_queue_and_an_empty_queue_raise_the_thread_queues_exceptions()
    {
        var full = new Concurrency.Runtime.Multiprocessing.Queue<string>(maxsize: 1);
        full.Put("taken");
        Assert.Throws<QueueFullException>(() => full.PutNowait("more"));
        var empty = new Concurrency.Runtime.Multiprocessing.Queue<string>();
        var probe = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<string>, Concurrency.Runtime.Multiprocessing.Queue<string>>)IpcTargets.ProbeLimits, full, empty);
        Assert.True(probe.Join(Timing.Patience));

        Assert.Equal(7, probe.ExitCode);
        Assert.Equal("taken", full.Get());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Concurrency.Runtime.Multiprocessing.Queue<int>(-1));
    }

    [Fact]
    public void An_item_that_cannot_be_serialized_is_refused_by_Put()
    {
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<object>();
        var error = Assert.Throws<ArgumentException>(() => queue.Put(new Action(() => { })));
        Assert.Equal("item", error.ParamName);
        Assert.True(queue.Empty);
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void Four_producer_and_four_consumer_processes_move_100000_messages_each_exactly_once()
    {
        const int producers = 4, consumers = 4, perProducer = 25_000;
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>(maxsize: 1000);
        var outputs = Enumerable.Range(0, consumers).Select(c => File($"consumer-{c}")).ToArray();
        var consumerProcesses = outputs.Select(o => Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, string>)IpcTargets.Consume, queue, o)).ToArray();
        var producerProcesses = Enumerable.Range(0, producers)
            .Select(p => Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int, int>)IpcTargets.Produce, queue, p * perProducer, perProducer)).ToArray();

        foreach (var producer in producerProcesses)
        {
            Assert.True(producer.Join(TimeSpan.FromSeconds(60)), "a producer did not finish");
        }

        for (var c = 0; c < consumers; c++)
        {
            queue.Put(-1);
        }

        JoinAll(producerProcesses.Concat(consumerProcesses).ToArray());
        var received = outputs.SelectMany(System.IO.File.ReadAllLines).Select(int.Parse).ToList();
        Assert.Equal(producers * perProducer, received.Count);
        Assert.Equal(Enumerable.Range(0, producers * perProducer), received.Order());
        Assert.All(outputs, o => Assert.NotEmpty(System.IO.File.ReadAllLines(o)));
    }

    [Fact]
    public void A_child_terminated_while_putting_loses_nothing_already_delivered_and_the_queue_stays_usable()
    {
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>(maxsize: 10);
        var putter = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>>)IpcTargets.PutForever, queue);
        var got = Enumerable.Range(0, 500).Select(_ => queue.Get(timeout: Timing.Patience)).ToList();
        Assert.True(ProcessState.WaitUntil(() => queue.Full, Timing.Patience), "the putter should be blocked on a full queue");

        putter.Terminate();
        Assert.True(putter.Join(Timing.Patience));
        Assert.Equal(128 + 15, putter.ExitCode);

        // Another producer uses the same queue; everything the dead one delivered comes first, once, in order.
        var next = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int, int>)IpcTargets.Produce, queue, 1_000, 5);
        var later = new List<int>();
        while (later.Count(i => i >= 1_000) < 5)
        {
            later.Add(queue.Get(timeout: Timing.Patience));
        }

        got.AddRange(later.Where(i => i < 1_000));
        Assert.Equal(Enumerable.Range(0, got.Count), got);
        Assert.InRange(got.Count, 510, 512);
        Assert.Equal(new[] { 1000, 1001, 1002, 1003, 1004 }, later.Where(i => i >= 1_000));
        Assert.True(queue.Empty);
        JoinAll(next);
    }

    [Fact]
    public void Buffered_puts_of_children_arrive_exactly_once_in_each_childs_order_even_when_they_end_by_Environment_Exit()
    {
        const int perChild = 20_000;
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        var producers = new[]
        {
            Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int, int, int>)IpcTargets.ProduceThenExit, queue, 0, perChild, 0),
            Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>, int, int, int>)IpcTargets.ProduceThenExit, queue, perChild, perChild, 9),
        };
        foreach (var producer in producers)
        {
            Assert.True(producer.Join(Timing.Patience), $"{producer} did not end");
        }

        Assert.Equal(new int?[] { 0, 9 }, producers.Select(p => p.ExitCode));

        // A child that ended normally has delivered everything it put before it exited.
        Assert.Equal(2 * perChild, queue.QSize);
        var got = Enumerable.Range(0, 2 * perChild).Select(_ => queue.Get(block: false)).ToList();
        Assert.Equal(Enumerable.Range(0, perChild), got.Where(i => i < perChild));
        Assert.Equal(Enumerable.Range(perChild, perChild), got.Where(i => i >= perChild));
        Assert.True(queue.Empty);
    }

    [Fact]
    public void A_child_sees_its_own_buffered_puts_and_Close_delivers_them()
    {
        var queue = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        var child = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<int>>)IpcTargets.PutThenSeeOwnPuts, queue);
        Assert.True(child.Join(Timing.Patience));

        Assert.Equal(7, child.ExitCode);
        Assert.Equal(new[] { 1, 2, 3 }, new[] { queue.Get(block: false), queue.Get(block: false), queue.Get(block: false) });
        Assert.True(queue.Empty);
    }

    [Fact]
    public void Putting_to_a_queue_whose_creator_has_exited_fails_with_end_of_stream()
    {
        var outer = new Concurrency.Runtime.Multiprocessing.Queue<Concurrency.Runtime.Multiprocessing.Queue<int>>();
        var creator = Run((Action<Concurrency.Runtime.Multiprocessing.Queue<Concurrency.Runtime.Multiprocessing.Queue<int>>>)IpcTargets.HandOverOwnQueue, outer);
        var orphaned = outer.Get(timeout: Timing.Patience);
        JoinAll(creator);

        // The first put is only buffered; the feeder finds the creator gone, and the next call reports it.
        orphaned.Put(1);
        Assert.Throws<EndOfStreamException>(() => orphaned.QSize);
        Assert.Throws<EndOfStreamException>(() => orphaned.Put(2));
        orphaned.Close();
    }

    [Fact]
    public void A_joinable_queue_counts_TaskDone_from_children_and_Join_works_in_a_child()
    {
        var jobs = new JoinableQueue<int>();
        var results = new Concurrency.Runtime.Multiprocessing.Queue<int>();
        for (var i = 1; i <= 20; i++)
        {
            jobs.Put(i);
        }

        var marker = File("joined");
        var joiner = Run((Action<JoinableQueue<int>, string>)IpcTargets.JoinThenMark, jobs, marker);
        Assert.False(jobs.Join(TimeSpan.FromMilliseconds(200)));
        Assert.False(System.IO.File.Exists(marker));

        var workers = Enumerable.Range(0, 2).Select(_ => new Process((Action<JoinableQueue<int>, Concurrency.Runtime.Multiprocessing.Queue<int>>)IpcTargets.Square, new object?[] { jobs, results }, daemon: true)).ToList();
        workers.ForEach(w => w.Start());
        Assert.True(jobs.Join(Timing.Patience), "every task should be done");
        JoinAll(joiner);
        Assert.Equal("joined", System.IO.File.ReadAllText(marker));

        var squares = Enumerable.Range(0, 20).Select(_ => results.Get(timeout: Timing.Patience)).Order();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * i), squares);
        Assert.Throws<InvalidOperationException>(jobs.TaskDone);
        workers.ForEach(w => w.Kill());
        workers.ForEach(w => Assert.True(w.Join(Timing.Patience)));
    }

    [Fact]
    public void A_duplex_pipe_carries_messages_both_ways_and_the_other_end_closing_is_end_of_stream()
    {
        var (parentEnd, childEnd) = new Pipe();
        var echo = Run((Action<Connection>)IpcTargets.Echo, childEnd);
        Assert.False(parentEnd.Poll(TimeSpan.FromMilliseconds(50)));
        parentEnd.Send("hello");
        parentEnd.Send("pipe");
        Assert.True(parentEnd.Poll(Timing.Patience));
        Assert.Equal("HELLO", parentEnd.Recv<string>());
        Assert.Equal("PIPE", parentEnd.Recv<string>());
        parentEnd.Send("bye");
        JoinAll(echo);

        Assert.True(parentEnd.Poll(), "end of stream is readable");
        var eof = Assert.Throws<EndOfStreamException>(parentEnd.Recv<string>);
        Assert.Contains("other end of the pipe was closed", eof.Message);
        Assert.Throws<IOException>(() => parentEnd.Send("anyone?"));
    }

    [Fact]
    public void A_child_that_exits_closes_its_end_after_everything_it_sent_is_received()
    {
        var (reader, writer) = new Pipe(duplex: false);
        Assert.True(reader.Readable && !reader.Writable);
        Assert.True(writer.Writable && !writer.Readable);
        var sender = Run((Action<Connection, int>)IpcTargets.SendOrders, writer, 3);
        JoinAll(sender);

        Assert.Equal(new Order(0, "item", 0), reader.Recv<Order>());
        Assert.Equal(new Order(1, "item", 2), reader.Recv<Order>());
        Assert.Equal(new Order(2, "item", 4), reader.Recv<Order>());
        Assert.Throws<EndOfStreamException>(reader.Recv<Order>);
        Assert.Throws<InvalidOperationException>(() => reader.Send(1));
    }

    [Fact]
    public void Pipe_ends_in_one_process_follow_the_same_rules()
    {
        var (a, b) = new Pipe();
        a.Send(new[] { 1, 2, 3 });
        Assert.Equal(new[] { 1, 2, 3 }, b.Recv<int[]>());
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Poll(TimeSpan.FromSeconds(-2)));
        b.Send("last words");
        b.Close();
        Assert.True(b.Closed);
        Assert.Throws<ObjectDisposedException>(() => b.Send("x"));
        Assert.Equal("last words", a.Recv<string>());
        Assert.Throws<EndOfStreamException>(a.Recv<string>);
        Assert.Throws<IOException>(() => a.Send("x"));
    }

    [Fact]
    public void Processes_appending_to_one_file_under_an_inter_process_lock_take_turns()
    {
        var gate = new Lock();
        var path = File("shared.txt");
        var writers = Enumerable.Range(0, 3).Select(id => Run((Action<Lock, string, int, int>)IpcTargets.AppendInTurns, gate, path, id, 15)).ToArray();
        JoinAll(writers);

        var lines = System.IO.File.ReadAllLines(path);
        Assert.Equal(3 * 15 * 2, lines.Length);
        for (var i = 0; i < lines.Length; i += 2)
        {
            Assert.StartsWith("begin ", lines[i]);
            Assert.Equal(lines[i].Replace("begin", "end", StringComparison.Ordinal), lines[i + 1]);
        }

        Assert.False(gate.Locked);
        Assert.Throws<System.Threading.SemaphoreFullException>(gate.Release);
    }

    [Fact]
    public void A_lock_held_by_a_process_that_is_killed_is_released()
    {
        var gate = new Lock();
        var marker = File("held");
        var holder = Run((Action<Lock, string>)IpcTargets.HoldForever, gate, marker);
        Assert.True(ProcessState.WaitUntil(() => System.IO.File.Exists(marker), Timing.Patience));
        Assert.False(gate.Acquire(timeout: TimeSpan.FromMilliseconds(100)));
        Assert.True(gate.Locked);

        holder.Kill();
        Assert.True(holder.Join(Timing.Patience));
        Assert.True(gate.Acquire(timeout: Timing.Patience), "the dead holder's lock should have been released");
        gate.Release();
        Assert.Throws<ArgumentException>(() => gate.Acquire(blocking: false, timeout: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_semaphore_of_two_lets_at_most_two_processes_in_at_once()
    {
        var semaphore = new Semaphore(2);
        var workers = Enumerable.Range(0, 4).Select(id => Run((Action<Semaphore, string, int>)IpcTargets.InsideSemaphore, semaphore, _dir, id)).ToArray();
        JoinAll(workers);

        var seen = Directory.GetFiles(_dir, "seen-*").SelectMany(System.IO.File.ReadAllLines).Select(int.Parse).ToList();
        Assert.Equal(12, seen.Count);
        Assert.All(seen, n => Assert.InRange(n, 1, 2));
        Assert.Equal(2, semaphore.Value);
    }
}
