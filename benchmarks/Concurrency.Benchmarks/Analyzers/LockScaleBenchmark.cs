using System.Text;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// The lock rules (CONC101–CONC105) at scale, as a user's build sees them: a generated class
/// library of 200 and 2,000 files of lock-heavy code (classes with two or three locks, nested
/// acquisitions in a consistent order, calls to other classes made while holding a lock, and a
/// lock-order inversion in one file in fifty) is built with <c>-p:ReportAnalyzer=true</c>; the
/// figures are the compiler's own report of our lock analyzers' time and the Csc task's time.
/// </summary>
public static class LockScaleBenchmark
{
    public static void Run(MetricSink sink)
    {
        foreach (var files in new[] { 200, 2000 })
        {
            var (analyzersMs, allRulesMs, compileMs) = Measure(files, dense: false);
            sink.Add($"analyzers.locks.ms.{files}", analyzersMs);
            if (files == 2000)
            {
                sink.Add("analyzers.all_rules.ms.2000", allRulesMs);
                sink.Add("analyzers.compile.ms.2000", compileMs);
            }
        }

        // The worst case beside it: every method of every class takes a lock.
        var (denseMs, denseAllRulesMs, denseCompileMs) = Measure(2000, dense: true);
        sink.Add("analyzers.locks_dense.ms.2000", denseMs);
        sink.Add("analyzers.all_rules_dense.ms.2000", denseAllRulesMs);
        sink.Add("analyzers.compile_dense.ms.2000", denseCompileMs);
    }

    private static (double AnalyzersMs, double AllRulesMs, double CompileMs) Measure(int files, bool dense)
    {
        var sources = Enumerable.Range(0, files)
            .Select(i => new KeyValuePair<string, string>($"Service{i}.cs", Source(i, files, dense)))
            .ToList();
        var build = GeneratedProject.Build($"locks-{files}{(dense ? "-dense" : "")}", sources);
        return (build.FamilyMilliseconds("CONC1", "lock"), build.AllRulesMilliseconds, build.CompileMilliseconds);
    }

    /// <summary>
    /// One file: a service with its own locks that calls the next service while holding one; unless
    /// <paramref name="dense"/>, also the code around them that takes no lock (formatting, parsing,
    /// validation, LINQ, calls to other services) — a little more than half of the methods, still far
    /// more lock-heavy than most code.
    /// </summary>
    internal static string Source(int i, int files, bool dense)
    {
        var next = (i + 1) % files;
        var inverted = i % 50 == 49; // one file in fifty takes its two locks the other way round
        var source = new StringBuilder();
        source.AppendLine("using System; using System.Collections.Generic; using System.Threading;");
        source.AppendLine($"namespace App.Module{i % 40};");
        source.AppendLine($"public sealed class Service{i}");
        source.AppendLine("{");
        source.AppendLine("    private readonly object _state = new object();");
        source.AppendLine("    private readonly object _log = new object();");
        source.AppendLine("    private readonly SemaphoreSlim _io = new SemaphoreSlim(1, 1);");
        source.AppendLine("    private readonly List<int> _items = new List<int>();");
        source.AppendLine($"    private readonly App.Module{next % 40}.Service{next} _next = null;");
        source.AppendLine("    public void Add(int x) { lock (_state) { lock (_log) { _items.Add(x); } } }");
        source.AppendLine(inverted
            ? "    public int Count() { lock (_log) { lock (_state) { return _items.Count; } } }"
            : "    public int Count() { lock (_state) { lock (_log) { return _items.Count; } } }");
        source.AppendLine("    public void Forward(int x) { lock (_state) { _items.Add(x); } _next?.Add(x); }");
        source.AppendLine("    public void Flush() { _io.Wait(); try { lock (_log) { _items.Clear(); } } finally { _io.Release(); } }");
        source.AppendLine("    public void Audit() { lock (_log) { Describe(); } }");
        source.AppendLine("    private string Describe() => _items.Count.ToString();");
        source.AppendLine("    public void Wait(bool ready) { lock (_state) { while (!ready) { Monitor.Wait(_state, 1); } } }");
        if (!dense)
        {
            source.AppendLine("""
                    private readonly Dictionary<int, string> _names = new Dictionary<int, string>();
                    public string Format(int value) => value < 0 ? $"-{Math.Abs(value):N0}" : $"{value:N0} items";
                    public bool Validate(string name)
                    {
                        if (string.IsNullOrWhiteSpace(name)) { return false; }
                        foreach (var c in name) { if (!char.IsLetterOrDigit(c) && c != '_') { return false; } }
                        return name.Length <= 64;
                    }
                    public int Sum(IEnumerable<int> values) => System.Linq.Enumerable.Sum(System.Linq.Enumerable.Where(values, v => v > 0));
                    public int Parse(string text)
                    {
                        switch (text) { case "one": return 1; case "two": return 2; default: return int.TryParse(text, out var n) ? n : -1; }
                    }
                    public double Score(int hits, int misses) => hits + misses == 0 ? 0 : (double)hits / (hits + misses) * 100.0;
                    public void Merge(Dictionary<int, string> other) { foreach (var pair in other) { if (!_names.ContainsKey(pair.Key)) { _names[pair.Key] = Normalize(pair.Value); } } }
                    public string Normalize(string value) => value.Trim().ToLowerInvariant().Replace(' ', '_');
                    public string Summary() => Format(_names.Count) + " / " + Score(_names.Count, 1).ToString("F1");
                    """);
            source.AppendLine($"    public string Report() => _next?.Summary() ?? Summary();");
        }

        source.AppendLine("}");
        return source.ToString();
    }
}
