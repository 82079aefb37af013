namespace Concurrency.Runtime.Tests.Queues;

using Concurrency.Runtime.Queues;

[Trait("Category", "Stress")]
public class QueueStressTests
{
    [Fact]
    public void Eight_producers_and_eight_consumers_move_a_million_items_each_received_exactly_once()
    {
        const int Producers = 8;
        const int Consumers = 8;
        const int Items = 1_000_000;
        const int PerProducer = Items / Producers;
        var q = new Queue<int>(maxsize: 64);
        var received = new byte[Items];
        var duplicates = 0;
        var lastPerProducer = new int[Consumers, Producers];

        var consumers = Enumerable.Range(0, Consumers).Select(c => new System.Threading.Thread(() =>
        {
            for (var p = 0; p < Producers; p++)
            {
                lastPerProducer[c, p] = -1;
            }

            while (true)
            {
                var item = q.Get();
                if (item < 0)
                {
                    return;
                }

                if (Interlocked.Exchange(ref received[item], 1) != 0)
                {
                    Interlocked.Increment(ref duplicates);
                }

                // FIFO: one consumer sees each producer's items in the order they were put.
                var producer = item / PerProducer;
                Assert.True(item > lastPerProducer[c, producer], "items of one producer arrived out of order");
                lastPerProducer[c, producer] = item;
                q.TaskDone();
            }
        })).ToList();
        var producers = Enumerable.Range(0, Producers).Select(p => new System.Threading.Thread(() =>
        {
            for (var i = p * PerProducer; i < (p + 1) * PerProducer; i++)
            {
                q.Put(i);
            }
        })).ToList();

        consumers.ForEach(t => t.Start());
        producers.ForEach(t => t.Start());
        producers.ForEach(t => t.Join());
        Assert.True(q.Join(TimeSpan.FromSeconds(60)), "every item put should be marked done");
        for (var c = 0; c < Consumers; c++)
        {
            q.Put(-1);
        }

        consumers.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));
        Assert.Equal(0, duplicates);
        Assert.DoesNotContain((byte)0, received);
        Assert.True(q.Empty);
    }

    [Fact]
    public void Timed_gets_and_puts_under_contention_lose_and_duplicate_nothing()
    {
        var q = new LifoQueue<int>(maxsize: 4);
        const int Items = 40_000;
        var received = new int[Items];
        var producers = Enumerable.Range(0, 2).Select(p => new System.Threading.Thread(() =>
        {
            for (var i = p; i < Items; i += 2)
            {
                while (true)
                {
                    try
                    {
                        q.Put(i, timeout: TimeSpan.FromMilliseconds(1));
                        break;
                    }
                    catch (QueueFullException)
                    {
                    }
                }
            }
        })).ToList();
        var taken = 0;
        var consumers = Enumerable.Range(0, 3).Select(_ => new System.Threading.Thread(() =>
        {
            while (Volatile.Read(ref taken) < Items)
            {
                try
                {
                    Interlocked.Increment(ref received[q.Get(timeout: TimeSpan.FromMilliseconds(1))]);
                    Interlocked.Increment(ref taken);
                }
                catch (QueueEmptyException)
                {
                }
            }
        })).ToList();
        producers.Concat(consumers).ToList().ForEach(t => t.Start());
        producers.Concat(consumers).ToList().ForEach(t => t.Join());
        Assert.All(received, count => Assert.Equal(1, count));
    }
}
