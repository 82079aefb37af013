namespace Concurrency.Benchmarks.Harness;

/// <summary>
/// The suites <c>dotnet run --project benchmarks/Concurrency.Benchmarks -- &lt;suite&gt;</c> can run.
/// Each suite writes its metrics, with any baseline it compares against measured in the same run.
/// </summary>
public static class Suites
{
    public static IReadOnlyDictionary<string, Action<MetricSink>> All { get; } = new Dictionary<string, Action<MetricSink>>(StringComparer.OrdinalIgnoreCase)
    {
        ["analyzers"] = Analyzers.AnalyzersSuite.Run,
        ["locks"] = Analyzers.LockScaleBenchmark.Run, // the lock-rule part of 'analyzers' alone
        ["runtime"] = Runtime.RuntimeSuite.Run,
        ["locks-inproc"] = Analyzers.LockRulesInProcess.Run, // the lock rules in process, to profile
    };
}
