namespace Concurrency.Benchmarks.Harness;

/// <summary>
/// The suites <c>dotnet run --project benchmarks/Concurrency.Benchmarks -- &lt;suite&gt;</c> can run.
/// Each suite writes its metrics (the arguments after the suite's name are its own), with any baseline it compares against measured in the same run.
/// </summary>
public static class Suites
{
    public static IReadOnlyDictionary<string, Action<MetricSink, IReadOnlyList<string>>> All { get; } = new Dictionary<string, Action<MetricSink, IReadOnlyList<string>>>(StringComparer.OrdinalIgnoreCase)
    {
        ["analyzers"] = (sink, _) => Analyzers.AnalyzersSuite.Run(sink),
        ["locks"] = (sink, _) => Analyzers.LockScaleBenchmark.Run(sink), // the lock-rule part of 'analyzers' alone
        ["lifecycle"] = (sink, _) => Analyzers.LifecycleScaleBenchmark.Run(sink), // the lifecycle-rule part of 'analyzers' alone
        ["shared"] = (sink, _) => Analyzers.SharedStateScaleBenchmark.Run(sink), // the shared-state-rule part of 'analyzers' alone
        ["runtime"] = (sink, _) => Runtime.RuntimeSuite.Run(sink),
        ["pools"] = (sink, _) => Runtime.RuntimeSuite.RunPools(sink), // the pool part of 'runtime' alone
        ["coroutines"] = (sink, _) => Runtime.RuntimeSuite.RunCoroutines(sink), // the coroutine part of 'runtime' alone
        ["locks-inproc"] = (sink, _) => Analyzers.LockRulesInProcess.Run(sink), // the lock rules in process, to profile
        ["lifecycle-inproc"] = (sink, _) => Analyzers.LifecycleRulesInProcess.Run(sink), // the lifecycle rules in process, to profile
        ["shared-inproc"] = (sink, args) => Analyzers.SharedStateRulesInProcess.Run(sink, args.Count > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000), // the shared-state rules in process, to profile: shared-inproc [files]
        ["realcode"] = RealCode.RealCodeSuite.Run, // our rules on a checkout of someone else's code: realcode <folder> [--project P]...
    };
}
