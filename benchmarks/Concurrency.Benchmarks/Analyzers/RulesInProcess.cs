using System.Collections.Immutable;
using System.Diagnostics;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// A rule family on generated code, in process on one analyzer thread, three times, each rule's
/// time as Roslyn's telemetry charges it — quicker and steadier than real builds (a guide for
/// changes; the figures of record are the builds'), and a process to attach a profiler to
/// (<c>dotnet-trace collect -- …/Concurrency.Benchmarks locks-inproc</c>).
/// </summary>
internal static class RulesInProcess
{
    /// <param name="prefix">The metrics' prefix: <c>locks_inproc</c>.</param>
    /// <param name="family">The analyzers measured: the non-abstract analyzers of this namespace.</param>
    /// <param name="sources">The files compiled, made afresh each round (file name, text).</param>
    /// <param name="references">What the code references beyond the framework.</param>
    public static void Run(MetricSink sink, string prefix, string family, Func<IEnumerable<(string Path, string Text)>> sources, IEnumerable<MetadataReference> references, OutputKind output)
    {
        var analyzers = typeof(Concurrency.Analyzers.Rules.Locks.LockOrderInversionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.Namespace == family)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        for (var round = 0; round < 3; round++)
        {
            var trees = sources().Select(s => CSharpSyntaxTree.ParseText(s.Text, path: s.Path));
            var compilation = CSharpCompilation.Create("Generated", trees, Infrastructure.ReferenceAssemblies.Net80.Concat(references), new CSharpCompilationOptions(output));
            _ = compilation.GetDiagnostics();
            // One analyzer thread: the times are the rules' own work, without the preemption and
            // the waits for one another that make a real build's figures noisy on 2 cores.
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            var withAnalyzers = compilation.WithAnalyzers(analyzers.Add(new BindEverythingAnalyzer()), options);
            var stopwatch = Stopwatch.StartNew();
            var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTime = System.Runtime.JitInfo.GetCompilationTime();
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            // What the analysis JIT-compiled (the compiler's own code was compiled by GetDiagnostics above):
            // a real build runs each analyzer once, cold, so this is part of its cost.
            sink.Add($"{prefix}.jit.methods.{round}", System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods);
            sink.Add($"{prefix}.jit.ms.{round}", (System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds);
            sink.Add($"{prefix}.wall.ms.{round}", stopwatch.Elapsed.TotalMilliseconds);
            sink.Add($"{prefix}.diagnostics.{round}", diagnostics.Length);
            var total = 0.0;
            foreach (var analyzer in analyzers)
            {
                var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                sink.Add($"{prefix}.{analyzer.GetType().Name}.ms.{round}", telemetry.ExecutionTime.TotalMilliseconds);
                total += telemetry.ExecutionTime.TotalMilliseconds;
            }

            sink.Add($"{prefix}.all.ms.{round}", total);
        }
    }
}
