using Concurrency.Analyzers.Rules.SharedState;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>Suite <c>shared-inproc</c>: the shared-state rules on the code (2,000 files unless told) of <see cref="SharedStateScaleBenchmark"/>, in process (<see cref="RulesInProcess"/>).</summary>
public static class SharedStateRulesInProcess
{
    public static void Run(MetricSink sink, int files) => RulesInProcess.Run(
        sink,
        "shared_inproc",
        typeof(UnsynchronizedWriteAnalyzer).Namespace!,
        () => SharedStateScaleBenchmark.Sources(files).Select(s => (s.Key, s.Value)),
        new[] { MetadataReference.CreateFromFile(typeof(Concurrency.Runtime.Threading.Thread).Assembly.Location) },
        OutputKind.DynamicallyLinkedLibrary);
}
