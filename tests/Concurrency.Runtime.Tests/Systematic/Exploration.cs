using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;

namespace Concurrency.Runtime.Tests.Systematic;

/// <summary>Runs a test body under Coyote's systematic testing engine and returns its report.</summary>
internal static class Exploration
{
    public const uint Iterations = 1_000;

    public static (int Bugs, string Report, int Iterations) Run(Func<Task> test, uint iterations = Iterations, uint seed = 2025)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(iterations)
            .WithRandomGeneratorSeed(seed)
            .WithMaxSchedulingSteps(5_000)
            .WithPartiallyControlledConcurrencyAllowed(false);
        using var engine = TestingEngine.Create(configuration, test);
        engine.Run();
        var report = engine.TestReport;
        var text = string.Join(Environment.NewLine, report.BugReports);
        return (report.NumOfFoundBugs, text, report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths);
    }
}
