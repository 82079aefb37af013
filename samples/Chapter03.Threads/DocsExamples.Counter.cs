// Copied verbatim from docs/runtime.md: keep the two in step.
namespace Demo;

using Concurrency.Runtime.Threading;

public static class CounterDemo
{
    public static int Run()
    {
        var gate = new Lock("counter");
        var count = 0;
        var workers = Enumerable.Range(0, 4)
            .Select(i => new Thread((Action<int>)(n =>
            {
                for (var k = 0; k < n; k++)
                {
                    using (gate.Hold()) { count++; }   // Python: with gate:
                }
            }), new object?[] { 100_000 }, name: $"worker-{i}"))
            .ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());   // Join(TimeSpan?) returns whether the thread ended
        return count;                     // 400000
    }
}
