using System.Collections.Immutable;
using System.Diagnostics;
using Concurrency.Analyzers.Rules.Locks;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// Suite <c>locks-inproc</c>: the lock rules on the 2,000-file code of
/// <see cref="LockScaleBenchmark"/>, in process on one analyzer thread, three times, each rule's
/// time as Roslyn's telemetry charges it — quicker and steadier than real builds (a guide for
/// changes; the figures of record are the builds'), and a process to attach a profiler to
/// (<c>dotnet-trace collect -- …/Concurrency.Benchmarks locks-inproc</c>).
/// </summary>
public static class LockRulesInProcess
{
    public static void Run(MetricSink sink)
    {
        var analyzers = typeof(LockOrderInversionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.Namespace == typeof(LockOrderInversionAnalyzer).Namespace)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        for (var round = 0; round < 3; round++)
        {
            var trees = Enumerable.Range(0, 2000).Select(i => CSharpSyntaxTree.ParseText(LockScaleBenchmark.Source(i, 2000, dense: false), path: $"Service{i}.cs"));
            var compilation = CSharpCompilation.Create("Dense", trees, Infrastructure.ReferenceAssemblies.Net80, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            _ = compilation.GetDiagnostics();
            // One analyzer thread: the times are the rules' own work, without the preemption and
            // the waits for one another that make a real build's figures noisy on 2 cores.
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            var withAnalyzers = compilation.WithAnalyzers(analyzers.Add(new BindEverythingAnalyzer()), options);
            var stopwatch = Stopwatch.StartNew();
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            sink.Add($"locks_inproc.wall.ms.{round}", stopwatch.Elapsed.TotalMilliseconds);
            sink.Add($"locks_inproc.diagnostics.{round}", diagnostics.Length);
            var total = 0.0;
            foreach (var analyzer in analyzers)
            {
                var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                sink.Add($"locks_inproc.{analyzer.GetType().Name}.ms.{round}", telemetry.ExecutionTime.TotalMilliseconds);
                total += telemetry.ExecutionTime.TotalMilliseconds;
            }

            sink.Add($"locks_inproc.all.ms.{round}", total);
        }
    }
}
