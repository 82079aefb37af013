using Concurrency.Analyzers.Rules.Locks;
using Concurrency.Benchmarks.Harness;
using Microsoft.CodeAnalysis;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>Suite <c>locks-inproc</c>: the lock rules on the 2,000-file code of <see cref="LockScaleBenchmark"/>, in process (<see cref="RulesInProcess"/>).</summary>
public static class LockRulesInProcess
{
    public static void Run(MetricSink sink) => RulesInProcess.Run(
        sink,
        "locks_inproc",
        typeof(LockOrderInversionAnalyzer).Namespace!,
        () => Enumerable.Range(0, 2000).Select(i => ($"Service{i}.cs", LockScaleBenchmark.Source(i, 2000, dense: false))),
        Array.Empty<MetadataReference>(),
        OutputKind.DynamicallyLinkedLibrary);
}
