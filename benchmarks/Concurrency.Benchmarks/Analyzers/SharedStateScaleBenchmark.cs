using System.Text;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// The shared-state rules (CONC3xx) at scale, as a user's build sees them: a generated library of 200
/// and 2,000 files of thread-safe service classes against the real <c>Concurrency.Runtime</c> — locks
/// around every access of their locked fields and a <c>[GuardedBy]</c> field, <c>Interlocked</c>
/// counters, a volatile stop flag polled by a thread the object starts, threads started in a loop that
/// write their own slots and are joined before the results are read, <c>Parallel.For</c> with
/// thread-local totals, tasks awaited before their results are read, <c>ConcurrentDictionary</c>
/// caches, and calls into the next file's service — with, in one file in fifty, each shared-state
/// mistake. Built with <c>-p:ReportAnalyzer=true</c>: the figures are the compiler's report of the
/// CONC3 rules' time and the Csc task's time; every CONC3 diagnostic is compared with the planted lines.
/// </summary>
public static class SharedStateScaleBenchmark
{
    public static void Run(MetricSink sink)
    {
        var small = Measure(200);
        var large = Measure(2000);
        sink.Add("analyzers.shared.ms.200", small.SharedMs);
        sink.Add("analyzers.shared.ms.2000", large.SharedMs);
        sink.Add("analyzers.shared.scale_ratio", large.SharedMs / small.SharedMs);
        sink.Add("analyzers.shared.compile.ms.2000", large.Build.CompileMilliseconds);
        sink.Add("analyzers.shared.share_of_compile.pct.2000", 100 * large.SharedMs / large.Build.CompileMilliseconds);
        sink.Add("analyzers.shared.diagnostics.2000", large.Build.Warnings("CONC3").Count);

        // The family's real cost, beside what the report charges it: the same build with the family
        // switched off (the driver then runs none of its analyzers). The report's per-callback wall time
        // also counts the binding a rule asks for first and its waits for shared tables, which this does not.
        var without = Measure(2000, withFamily: false);
        sink.Add("analyzers.shared.compile_without.ms.2000", without.Build.CompileMilliseconds);
        sink.Add("analyzers.shared.compile_delta.pct.2000", 100 * (large.Build.CompileMilliseconds - without.Build.CompileMilliseconds) / without.Build.CompileMilliseconds);
    }

    private sealed record Measurement(GeneratedBuild Build, double SharedMs);

    /// <summary>The generated library: <paramref name="files"/> service files.</summary>
    internal static List<KeyValuePair<string, string>> Sources(int files) =>
        Enumerable.Range(0, files).Select(i => new KeyValuePair<string, string>($"Service{i}.cs", Source(i, files))).ToList();

    private static Measurement Measure(int files, bool withFamily = true)
    {
        var sources = Sources(files);
        if (!withFamily)
        {
            sources.Add(new("off.globalconfig", """
                is_global = true
                dotnet_analyzer_diagnostic.category-Concurrency.SharedState.severity = none
                """));
        }

        var build = GeneratedProject.Build(
            $"shared-{files}",
            sources,
            items: $"""
                    <Reference Include="{typeof(Concurrency.Runtime.Threading.Thread).Assembly.Location}" />
                    {(withFamily ? string.Empty : """<GlobalAnalyzerConfigFiles Include="off.globalconfig" />""")}
                """);
        if (!withFamily)
        {
            Console.WriteLine($"  without the shared-state rules, {files} files: Csc {build.CompileMilliseconds:0} ms");
            return new Measurement(build, 0);
        }

        PlantedSites.Print("shared-state", "CONC3", files, sources, build);
        return new Measurement(build, build.FamilyMilliseconds("CONC3", "shared-state"));
    }

    /// <summary>One file: a thread-safe service, using each shared-state pattern safely; in one file in fifty, each of <see cref="Mistakes"/>.</summary>
    internal static string Source(int i, int files)
    {
        var next = (i + 1) % files;
        var source = new StringBuilder();
        source.AppendLine($$"""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Concurrency.Runtime;

            namespace App.Module{{i % 40}};

            public sealed class Service{{i}} : IDisposable
            {
                private static int s_instances;
                private readonly object _gate = new object();
                private readonly ConcurrentDictionary<int, int> _cache = new ConcurrentDictionary<int, int>();
                private readonly Dictionary<int, string> _names = new Dictionary<int, string>();
                private readonly Thread _pump;
                private volatile bool _stopping;
                private long _processed;
                private int _balance;
                [GuardedBy(nameof(_gate))]
                private int _version;
                private Thread _worker;

                public Service{{i}}()
                {
                    Interlocked.Increment(ref s_instances);
                    _pump = new Thread(Pump) { IsBackground = true, Name = "pump-{{i}}" };
                    _pump.Start();
                }

                public App.Module{{next % 40}}.Service{{next}} Next { get; set; }

                public long Processed => Interlocked.Read(ref _processed);

                public int Balance
                {
                    get
                    {
                        lock (_gate)
                        {
                            return _balance;
                        }
                    }
                }

                public static int Instances => Volatile.Read(ref s_instances);

                private static int Compute(int x) => (x * 31 % 17) + 1;

                private void Pump()
                {
                    while (!_stopping)
                    {
                        Interlocked.Increment(ref _processed);
                        Thread.Sleep(10);
                    }
                }

                public void Deposit(int amount)
                {
                    lock (_gate)
                    {
                        _balance += amount;
                        _version++;
                    }
                }

                public string Name(int id)
                {
                    lock (_gate)
                    {
                        return _names.TryGetValue(id, out var name) ? name : null;
                    }
                }

                public void Rename(int id, string name)
                {
                    lock (_gate)
                    {
                        _names[id] = name;
                        _version++;
                    }
                }

                public int Version()
                {
                    lock (_gate)
                    {
                        return _version;
                    }
                }

                public int Lookup(int key) => _cache.GetOrAdd(key, k => Compute(k));

                // Threads started in one loop, each writing its own slot, joined before the results are read.
                public long SumInThreads(int[] values)
                {
                    var results = new long[values.Length];
                    var threads = new List<Thread>();
                    for (var k = 0; k < values.Length; k++)
                    {
                        var index = k;
                        var t = new Thread(() => results[index] = Compute(values[index]));
                        t.Start();
                        threads.Add(t);
                    }

                    foreach (var t in threads)
                    {
                        t.Join();
                    }

                    return results.Sum();
                }

                // Thread-local totals merged with Interlocked.
                public long Total(int n)
                {
                    long total = 0;
                    Parallel.For(0, n, () => 0L, (k, state, local) => local + Compute(k), local => Interlocked.Add(ref total, local));
                    return total;
                }

                // A task's result read after awaiting it.
                public async Task<int> LoadAsync(int x)
                {
                    var value = 0;
                    await Task.Run(() => { value = Compute(x); });
                    return value + (Next?.Lookup(x) ?? 0);
                }

                // A counter updated under a lock by parallel bodies.
                public int CountEven(int[] values)
                {
                    var count = 0;
                    var gate = new object();
                    Parallel.ForEach(values, v =>
                    {
                        if (v % 2 == 0)
                        {
                            lock (gate)
                            {
                                count++;
                            }
                        }
                    });
                    return count;
                }

                // Per-item objects handed to parallel bodies: each body has its own.
                public static void DepositAll(Service{{i}}[] services) => Parallel.ForEach(services, s => s.Deposit(1));

                // A worker the object starts, through locked methods only, joined in Dispose.
                public void StartWorker()
                {
                    _worker = new Thread(() =>
                    {
                        for (var k = 0; k < 100; k++)
                        {
                            Deposit(1);
                            Rename(k, "n" + k);
                        }
                    });
                    _worker.Start();
                }

                public void Dispose()
                {
                    _stopping = true;
                    _pump.Join();
                    _worker?.Join();
                }
            """);
        var mistake = i % 50;
        if (mistake < Mistakes.Length)
        {
            source.AppendLine(Mistakes[mistake].Replace("SELF", $"Service{i}", StringComparison.Ordinal));
        }

        source.AppendLine("}");
        return source.ToString();
    }

    /// <summary>
    /// The mistakes, one or two members each; the line a rule should report carries
    /// <see cref="PlantedSites.Marker"/> with the rule's id.
    /// </summary>
    private static readonly string[] Mistakes =
    {
        """
            private static int s_hits;

            public static void HitAll(int[] pages) => Parallel.ForEach(pages, p =>
            {
                s_hits++; // planted: CONC301 a counter incremented by parallel bodies
            });
        """,
        """
            private long _progress;
            private Thread _progressThread;

            public long Progress => _progress;

            public void StartProgress()
            {
                _progressThread = new Thread(() =>
                {
                    for (var k = 0; k < 100; k++)
                    {
                        _progress += 1; // planted: CONC301 a worker's count read by a property while it runs
                    }
                });
                _progressThread.Start();
            }
        """,
        """
            public int UnlockedBalance() => _balance; // planted: CONC302 read without the lock its writes hold
        """,
        """
            public int PeekVersion() => _version; // planted: CONC305 guarded field read without its lock
        """,
        """
            public List<int> Collect(int[] values)
            {
                var found = new List<int>();
                Parallel.ForEach(values, v =>
                {
                    found.Add(v); // planted: CONC303 a List mutated by parallel bodies
                });
                return found;
            }
        """,
        """
            private static SELF s_default;

            public static SELF Default
            {
                get
                {
                    if (s_default == null) // planted: CONC304 lazy initialization without a lock
                    {
                        s_default = new SELF();
                    }

                    return s_default;
                }
            }
        """,
        """
            private bool _paused;

            public void Pause() => _paused = true;

            public void StartPoller()
            {
                new Thread(() =>
                {
                    while (!_paused) // planted: CONC306 a stop flag polled in a loop, not volatile
                    {
                        Thread.SpinWait(10);
                    }
                }) { IsBackground = true }.Start();
            }
        """,
    };
}
