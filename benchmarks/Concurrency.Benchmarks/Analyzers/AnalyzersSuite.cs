using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Concurrency.Analyzers.Rules.AsyncBlocking;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// Suite <c>analyzers</c>: our analyzers' own execution time (Roslyn's analyzer telemetry, as
/// <c>-p:ReportAnalyzer=true</c> reports it) on generated code of 200 and 2,000 files, beside the
/// driver's cost for the same registrations, the cost of binding every body, and the compiler's
/// own time to produce the compilation's diagnostics for the 2,000 files; then the lock and lifecycle
/// rules at scale in real builds (<see cref="LockScaleBenchmark"/>, <see cref="LifecycleScaleBenchmark"/>, <see cref="SharedStateScaleBenchmark"/>).
/// </summary>
public static class AnalyzersSuite
{
    public static void Run(MetricSink sink)
    {
        // Every analyzer of the package, timed together.
        var ours = typeof(BlockingTaskWaitAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        // Warm-up, so JIT time is not counted in the first figure.
        _ = AnalyzerTime(Generate(20), ours);

        foreach (var files in new[] { 200, 2000 })
        {
            // Beside an analyzer that binds every body, as the SDK's built-in analyzers do in a real build.
            var (ms, diagnostics) = AnalyzerTime(Generate(files), ours, new BindEverythingAnalyzer());
            sink.Add($"analyzers.async_blocking.ms.{files}", ms);
            sink.Add($"analyzers.async_blocking.diagnostics.{files}", diagnostics);
        }

        // Each rule alone on the 2,000 files (all its analyzers: CONC101 has two), to see where the time goes.
        foreach (var rule in ours.GroupBy(a => a.SupportedDiagnostics[0].Id))
        {
            sink.Add($"analyzers.{rule.Key.ToLowerInvariant()}.ms.2000", AnalyzerTime(Generate(2000), rule.ToImmutableArray(), new BindEverythingAnalyzer()).Milliseconds);
        }

        sink.Add("analyzers.baseline_empty.ms.2000", AnalyzerTime(Generate(2000), ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyCodeBlockAnalyzer())).Milliseconds);

        var big = Generate(2000);
        var stopwatch = Stopwatch.StartNew();
        _ = big.GetDiagnostics();
        sink.Add("analyzers.inproc_compile.ms.2000", stopwatch.Elapsed.TotalMilliseconds);

        LockScaleBenchmark.Run(sink);
        LifecycleScaleBenchmark.Run(sink);
        SharedStateScaleBenchmark.Run(sink);
    }

    /// <summary>
    /// The execution time Roslyn's telemetry charges to the measured analyzers together, and how
    /// many diagnostics they reported; the others run beside them.
    /// </summary>
    private static (double Milliseconds, int Diagnostics) AnalyzerTime(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> measured, params DiagnosticAnalyzer[] beside)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(measured.AddRange(beside), options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var time = measured.Aggregate(TimeSpan.Zero, (sum, analyzer) =>
            sum + withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime);
        var ids = measured.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        return (time.TotalMilliseconds, diagnostics.Count(d => ids.Contains(d.Id)));
    }

    /// <summary>
    /// Realistic service code: per file a class with async and sync methods, awaits, loops,
    /// try/finally, lambdas; synchronous wrappers that block (not async code, so not reported).
    /// </summary>
    internal static CSharpCompilation Generate(int files)
    {
        var trees = new List<SyntaxTree>(files);
        for (var i = 0; i < files; i++)
        {
            var source = new StringBuilder();
            source.AppendLine("using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;");
            source.AppendLine($"namespace App.Module{i % 37};");
            source.AppendLine($"public sealed class Service{i}");
            source.AppendLine("{");
            source.AppendLine("    private readonly Dictionary<int, string> _cache = new();");
            for (var m = 0; m < 8; m++)
            {
                // One method in eight blocks, one in eight reads results after 'await Task.WhenAll'
                // (the flow analysis must prove them complete), the rest await properly.
                var kind = (i + m) % 8;
                source.AppendLine($"    public async Task<int> Load{m}Async(int id, CancellationToken ct)");
                source.AppendLine("    {");
                source.AppendLine("        var total = 0;");
                source.AppendLine("        var first = Task.Run(() => id * 2, ct);");
                source.AppendLine("        var second = Task.Run(() => id + 1, ct);");
                source.AppendLine(kind == 1
                    ? "        await Task.WhenAll(first, second); total += first.Result + second.Result;"
                    : "        total += await first + await second;");
                source.AppendLine("        for (var k = 0; k < id; k++)");
                source.AppendLine("        {");
                source.AppendLine("            try { total += await Compute(k, ct); }");
                source.AppendLine("            finally { _cache[k] = total.ToString(); }");
                source.AppendLine("        }");
                source.AppendLine(kind == 0
                    ? "        var late = Compute(total, ct); total += late.Result;"
                    : "        var late = Compute(total, ct); total += await late;");
                source.AppendLine("        Func<int, int> twice = x => x * 2;");
                source.AppendLine("        return twice(total);");
                source.AppendLine("    }");
                source.AppendLine($"    public int Sync{m}(int id) => _cache.TryGetValue(id, out var s) ? s.Length : Compute(id, default).Result;");
            }

            source.AppendLine("    private static Task<int> Compute(int x, CancellationToken ct) => Task.Run(() => x + 1, ct);");
            source.AppendLine("}");
            trees.Add(CSharpSyntaxTree.ParseText(source.ToString(), new CSharpParseOptions(LanguageVersion.CSharp12), path: $"Service{i}.cs"));
        }

        return CSharpCompilation.Create(
            $"Generated{files}",
            trees,
            Infrastructure.ReferenceAssemblies.Net80,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }
}
