using Concurrency.Analyzers.Rules.Lifecycle;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>Suite <c>lifecycle-inproc</c>: the lifecycle rules on the 2,000-file code of <see cref="LifecycleScaleBenchmark"/>, in process (<see cref="RulesInProcess"/>).</summary>
public static class LifecycleRulesInProcess
{
    public static void Run(MetricSink sink) => RulesInProcess.Run(
        sink,
        "lifecycle_inproc",
        typeof(UnjoinedWorkerAnalyzer).Namespace!,
        () => LifecycleScaleBenchmark.Sources(2000).Select(s => (s.Key, s.Value)).Where(s => s.Key.EndsWith(".cs", StringComparison.Ordinal)),
        new[] { MetadataReference.CreateFromFile(typeof(Concurrency.Runtime.Threading.Thread).Assembly.Location) },
        OutputKind.ConsoleApplication);
}
