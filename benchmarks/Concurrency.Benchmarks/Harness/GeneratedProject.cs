using Concurrency.Analyzers.Catalog;

namespace Concurrency.Benchmarks.Harness;

/// <summary>
/// A generated project built for real, as a user's build sees our analyzers: the project file (our
/// analyzer assembly, plus what the caller adds) and the sources are written to a temporary folder,
/// built with <see cref="ReportedBuild"/>, and the figures read from the compiler's report. The folder
/// is deleted afterwards unless <c>CONC_BENCH_KEEP=1</c>, which keeps it (and prints where) to build
/// it again by hand, read its warnings or run it under a profiler.
/// </summary>
public static class GeneratedProject
{
    /// <summary>
    /// Writes and builds the project; <paramref name="properties"/> and <paramref name="items"/> are
    /// MSBuild elements added to its <c>PropertyGroup</c> and <c>ItemGroup</c>.
    /// </summary>
    public static GeneratedBuild Build(string label, IReadOnlyList<KeyValuePair<string, string>> files, string properties = "", string items = "")
    {
        var folder = Path.Combine(Path.GetTempPath(), $"conc-{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Generated.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>disable</Nullable>
                    <ImplicitUsings>disable</ImplicitUsings>
                {properties}
                  </PropertyGroup>
                  <ItemGroup>
                    <Analyzer Include="{typeof(RuleIds).Assembly.Location}" />
                {items}
                  </ItemGroup>
                </Project>
                """);
            foreach (var (name, text) in files)
            {
                File.WriteAllText(Path.Combine(folder, name), text);
            }

            var output = ReportedBuild.Run(folder, Array.Empty<string>(), TimeSpan.FromMinutes(10), $"The generated project ({label})");
            return new GeneratedBuild(output, ReportedBuild.RuleSeconds(output), ReportedBuild.CscMilliseconds(output));
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("CONC_BENCH_KEEP") == "1")
            {
                Console.WriteLine($"  (kept {folder})");
            }
            else
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}

/// <summary>What one build of a <see cref="GeneratedProject"/> reported.</summary>
public sealed class GeneratedBuild
{
    public GeneratedBuild(string output, IReadOnlyDictionary<string, double> ruleSeconds, double compileMilliseconds)
    {
        Output = output;
        RuleSeconds = ruleSeconds;
        CompileMilliseconds = compileMilliseconds;
    }

    /// <summary>The build's whole output.</summary>
    public string Output { get; }

    /// <summary>Seconds per rule id of ours, from the analyzer report.</summary>
    public IReadOnlyDictionary<string, double> RuleSeconds { get; }

    /// <summary>The Csc task's milliseconds.</summary>
    public double CompileMilliseconds { get; }

    /// <summary>Every rule of ours together, in milliseconds.</summary>
    public double AllRulesMilliseconds => RuleSeconds.Values.Sum() * 1000;

    /// <summary>
    /// The milliseconds of the rules whose id starts with <paramref name="idPrefix"/>; an error when the
    /// report names none of them — a renamed analyzer namespace would otherwise read as "the
    /// <paramref name="family"/> costs nothing".
    /// </summary>
    public double FamilyMilliseconds(string idPrefix, string family)
    {
        var rules = RuleSeconds.Where(r => r.Key.StartsWith(idPrefix, StringComparison.Ordinal)).ToList();
        return rules.Count > 0
            ? rules.Sum(r => r.Value) * 1000
            : throw new InvalidOperationException($"The analyzer report names none of our {family} analyzers ({idPrefix}…):\n" + Output);
    }

    /// <summary>The build's warnings of the rules whose id starts with <paramref name="idPrefix"/>, each site once.</summary>
    public IReadOnlyList<ReportedBuild.Warning> Warnings(string idPrefix) =>
        ReportedBuild.Warnings(Output).Where(w => w.Id.StartsWith(idPrefix, StringComparison.Ordinal)).ToList();
}
