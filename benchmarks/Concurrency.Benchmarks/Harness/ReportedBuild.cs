using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Concurrency.Benchmarks.Harness;

/// <summary>
/// A real <c>dotnet build</c> with the compiler's analyzer report (<c>-p:ReportAnalyzer=true</c>) and
/// MSBuild's task summary, and the figures read from its output: the seconds charged to our rules and
/// the Csc task's milliseconds.
/// </summary>
public static partial class ReportedBuild
{
    /// <summary>Builds in <paramref name="folder"/> with <paramref name="extraArguments"/> after the fixed ones; the whole output, or an error naming the build's own errors.</summary>
    public static string Run(string folder, IEnumerable<string> extraArguments, TimeSpan timeout, string what)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "build", "-c", "Release", "--no-incremental", "--disable-build-servers", "-p:ReportAnalyzer=true", "-v:d", "-clp:PerformanceSummary" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not build within {timeout.TotalMinutes:0} minutes.");
        }

        process.WaitForExit();
        var text = output.ToString();
        if (process.ExitCode != 0)
        {
            var errors = string.Join("\n", text.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(20));
            throw new InvalidOperationException($"{what} did not build (exit code {process.ExitCode}):\n{(errors.Length > 0 ? errors : text)}");
        }

        return text;
    }

    /// <summary>Seconds charged to each of our rules, summed over the compilations of the build (CONC101's two analyzers together).</summary>
    public static IReadOnlyDictionary<string, double> RuleSeconds(string output)
    {
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (Match rule in RuleLine().Matches(output))
        {
            var id = rule.Groups["id"].Value;
            seconds[id] = seconds.GetValueOrDefault(id) + double.Parse(rule.Groups["seconds"].Value, CultureInfo.InvariantCulture);
        }

        return seconds;
    }

    /// <summary>Seconds charged to our analyzer assembly, summed over the compilations of the build.</summary>
    public static double OurSeconds(string output) => Sum(OurAssemblyLine(), output, "seconds");

    /// <summary>Seconds charged to every analyzer of the build together.</summary>
    public static double AllAnalyzerSeconds(string output) => Sum(TotalAnalyzerLine(), output, "seconds");

    /// <summary>The Csc task's milliseconds, summed over its calls; an error when the build printed none.</summary>
    public static double CscMilliseconds(string output) => CscLine().IsMatch(output)
        ? Sum(CscLine(), output, "ms")
        : throw new InvalidOperationException("The build printed no Csc task time:\n" + output);

    /// <summary>A warning of ours the build printed: where (the file as the compiler named it, 1-based line and column) and which rule.</summary>
    public readonly record struct Warning(string File, int Line, int Column, string Id);

    /// <summary>
    /// The warnings of our rules in the build's output, each site once (MSBuild prints a warning again
    /// in its summary, and once per target framework). Info and hidden diagnostics are not printed:
    /// raise them to warnings (a global config) to count them.
    /// </summary>
    public static IReadOnlyList<Warning> Warnings(string output) => WarningLine().Matches(output)
        .Select(m => new Warning(
            m.Groups["file"].Value,
            int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture),
            m.Groups["id"].Value))
        .Distinct()
        .ToList();

    private static double Sum(Regex regex, string output, string group) =>
        regex.Matches(output).Sum(m => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture));

    // "            0.276   25   Concurrency.Analyzers, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null"
    [GeneratedRegex(@"^\s*(?<seconds>[\d.]+)\s+\S+\s+Concurrency\.Analyzers, Version=", RegexOptions.Multiline)]
    private static partial Regex OurAssemblyLine();

    // "            0.215   19      Concurrency.Analyzers.Rules.AsyncBlocking.BlockingCallThroughMethodsAnalyzer (CONC407)" (any namespace of ours: older builds had others)
    [GeneratedRegex(@"^\s*(?<seconds>[\d.]+)\s+\S+\s+Concurrency\.Analyzers\.(?:\w+\.)+\w+ \((?<id>CONC\d+)\)", RegexOptions.Multiline)]
    private static partial Regex RuleLine();

    // "         Total analyzer execution time: 1.104 seconds."
    [GeneratedRegex(@"Total analyzer execution time: (?<seconds>[\d.]+) seconds", RegexOptions.Multiline)]
    private static partial Regex TotalAnalyzerLine();

    // "  1:7>/tmp/conc-lifecycle-200-…/Worker7.cs(41,13): warning CONC202: … [/tmp/…/Generated.csproj]", the node prefix not part of the
    // path, which has no spaces: generated projects live in the temporary folder.
    [GeneratedRegex(@"(?<file>[^\s(>]+\.cs)\((?<line>\d+),(?<column>\d+)(?:,\d+,\d+)?\): warning (?<id>CONC\d+)", RegexOptions.Multiline)]
    private static partial Regex WarningLine();

    // "     1249 ms  Csc                                        1 calls"
    [GeneratedRegex(@"^\s*(?<ms>\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Multiline)]
    private static partial Regex CscLine();
}
