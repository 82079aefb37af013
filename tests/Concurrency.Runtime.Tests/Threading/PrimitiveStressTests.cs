namespace Concurrency.Runtime.Tests.Threading;

using Concurrency.Runtime.Threading;
using Barrier = Concurrency.Runtime.Threading.Barrier;
using Lock = Concurrency.Runtime.Threading.Lock;
using Semaphore = Concurrency.Runtime.Threading.Semaphore;

[Trait("Category", "Stress")]
public class PrimitiveStressTests
{
    private const int Threads = 4;

    [Fact]
    public void Lock_keeps_a_read_modify_write_exact_and_never_admits_two_threads()
    {
        var gate = new Lock();
        var inside = 0;
        var overlaps = 0;
        long counter = 0;
        RunAll(Threads, _ =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                gate.Acquire();
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                counter++;
                Interlocked.Decrement(ref inside);
                gate.Release();
            }
        });
        Assert.Equal(0, overlaps);
        Assert.Equal(Threads * 200_000L, counter);
    }

    [Fact]
    public void Lock_with_timeouts_under_contention_counts_every_success()
    {
        var gate = new Lock();
        long counter = 0;
        var successes = new int[Threads];
        RunAll(Threads, t =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                if (gate.Acquire(timeout: TimeSpan.FromMilliseconds(1)))
                {
                    counter++;
                    successes[t]++;
                    gate.Release();
                }
            }
        });
        Assert.Equal(successes.Sum(), counter);
    }

    [Fact]
    public void RLock_nested_acquisitions_keep_a_counter_exact()
    {
        var gate = new RLock();
        long counter = 0;
        RunAll(Threads, _ =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                using (gate.Hold())
                using (gate.Hold())
                {
                    counter++;
                    Assert.Equal(2, gate.Count);
                }
            }
        });
        Assert.Equal(Threads * 100_000L, counter);
    }

    [Fact]
    public void Condition_bounded_buffer_hands_over_every_item_once()
    {
        var cond = new Condition(new Lock());
        var buffer = new System.Collections.Generic.Queue<int>();
        const int Capacity = 4;
        const int PerProducer = 50_000;
        var received = new int[2 * PerProducer];
        var producers = Enumerable.Range(0, 2).Select(p => new System.Threading.Thread(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                using (cond.Hold())
                {
                    cond.WaitFor(() => buffer.Count < Capacity);
                    buffer.Enqueue(p * PerProducer + i);
                    cond.NotifyAll();
                }
            }
        }));
        var consumers = Enumerable.Range(0, 2).Select(_ => new System.Threading.Thread(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                using (cond.Hold())
                {
                    cond.WaitFor(() => buffer.Count > 0);
                    Assert.True(buffer.Count <= Capacity);
                    received[buffer.Dequeue()]++;
                    cond.NotifyAll();
                }
            }
        }));
        var all = producers.Concat(consumers).ToList();
        all.ForEach(t => t.Start());
        all.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        Assert.All(received, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Event_ping_pong_alternates_strictly()
    {
        var ping = new Event();
        var pong = new Event();
        const int Rounds = 20_000;
        var log = new List<char>(2 * Rounds);
        var other = new System.Threading.Thread(() =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                Assert.True(ping.Wait(Timing.Patience));
                ping.Clear();
                log.Add('o');
                pong.Set();
            }
        });
        other.Start();
        for (var i = 0; i < Rounds; i++)
        {
            log.Add('i');
            ping.Set();
            Assert.True(pong.Wait(Timing.Patience));
            pong.Clear();
        }

        other.Join();
        Assert.Equal(2 * Rounds, log.Count);
        for (var i = 0; i < log.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? 'i' : 'o', log[i]);
        }
    }

    [Fact]
    public void Barrier_rounds_never_mix_and_indexes_are_a_permutation()
    {
        const int Rounds = 2_000;
        var barrier = new Barrier(Threads);
        var arrivedInRound = new int[Rounds];
        var indexSums = new int[Rounds];
        RunAll(Threads, _ =>
        {
            for (var r = 0; r < Rounds; r++)
            {
                Interlocked.Increment(ref arrivedInRound[r]);
                var index = barrier.Wait(Timing.Patience);
                Interlocked.Add(ref indexSums[r], index);

                // Everyone of this round arrived before anyone left it.
                Assert.Equal(Threads, Volatile.Read(ref arrivedInRound[r]));
            }
        });
        Assert.All(indexSums, sum => Assert.Equal(Threads * (Threads - 1) / 2, sum));
    }

    [Fact]
    public void Semaphore_never_admits_more_than_its_value()
    {
        var sem = new BoundedSemaphore(2);
        var inside = 0;
        var maxInside = 0;
        RunAll(6, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                using (sem.Hold())
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref maxInside, now);
                    Interlocked.Decrement(ref inside);
                }
            }
        });
        Assert.InRange(maxInside, 1, 2);
        Assert.Equal(2, sem.Value);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static void RunAll(int count, Action<int> body)
    {
        var failures = new Exception?[count];
        var threads = Enumerable.Range(0, count).Select(i => new System.Threading.Thread(() => failures[i] = Record.Exception(() => body(i)))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        Assert.All(failures, Assert.Null);
    }
}
