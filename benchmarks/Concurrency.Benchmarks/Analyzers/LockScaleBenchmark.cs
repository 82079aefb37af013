using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Concurrency.Analyzers.Catalog;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// The lock rules (CONC101–CONC105) at scale, as a user's build sees them: a generated class
/// library of 200 and 2,000 files of lock-heavy code (classes with two or three locks, nested
/// acquisitions in a consistent order, calls to other classes made while holding a lock, and a
/// lock-order inversion in one file in fifty) is built with <c>-p:ReportAnalyzer=true</c>; the
/// figures are the compiler's own report of our lock analyzers' time and the Csc task's time.
/// </summary>
public static partial class LockScaleBenchmark
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
        var folder = Path.Combine(Path.GetTempPath(), $"conc-locks-{files}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Generated.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>disable</Nullable>
                    <ImplicitUsings>disable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <Analyzer Include="{typeof(RuleIds).Assembly.Location}" />
                  </ItemGroup>
                </Project>
                """);
            for (var i = 0; i < files; i++)
            {
                File.WriteAllText(Path.Combine(folder, $"Service{i}.cs"), Source(i, files, dense));
            }

            var output = Build(folder);
            var lockLines = LockAnalyzerLine().Matches(output);
            if (lockLines.Count == 0)
            {
                // A renamed analyzer namespace would otherwise read as "the lock rules cost nothing".
                throw new InvalidOperationException("The analyzer report names none of our lock analyzers:\n" + output);
            }

            var analyzers = lockLines.Sum(m => double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture)) * 1000;
            var allRules = AnyRuleLine().Matches(output)
                .Sum(m => double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture)) * 1000;
            var compile = CscLine().Match(output) is { Success: true } csc
                ? double.Parse(csc.Groups["ms"].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException("The build printed no Csc task time:\n" + output);
            return (analyzers, allRules, compile);
        }
        finally
        {
            // CONC_BENCH_KEEP=1 keeps the generated project, to build it again by hand or under a profiler.
            if (Environment.GetEnvironmentVariable("CONC_BENCH_KEEP") != "1")
            {
                Directory.Delete(folder, recursive: true);
            }
        }
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

    private static string Build(string folder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "build", "-c", "Release", "--no-incremental", "--disable-build-servers", "-p:ReportAnalyzer=true", "-v:d", "-clp:PerformanceSummary" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The generated project did not build within 10 minutes.");
        }

        process.WaitForExit();
        return process.ExitCode == 0 ? output.ToString() : throw new InvalidOperationException("The generated project did not build:\n" + output);
    }

    // "0.013    5      Concurrency.Analyzers.Rules.Locks.LockOrderInversionAnalyzer (CONC101)"
    [GeneratedRegex(@"^\s*(?<seconds>[\d.]+)\s+\d+\s+Concurrency\.Analyzers\.Rules\.Locks\.\w+ \(CONC1\d\d\)", RegexOptions.Multiline)]
    private static partial Regex LockAnalyzerLine();

    // Every rule of ours, the CONC4xx beside the lock rules.
    [GeneratedRegex(@"^\s*(?<seconds>[\d.]+)\s+\S+\s+Concurrency\.Analyzers\.Rules\.\w+\.\w+ \(CONC\d+\)", RegexOptions.Multiline)]
    private static partial Regex AnyRuleLine();

    // "     1249 ms  Csc                                        1 calls"
    [GeneratedRegex(@"^\s*(?<ms>\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Multiline)]
    private static partial Regex CscLine();
}
