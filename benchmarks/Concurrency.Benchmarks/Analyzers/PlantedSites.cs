using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// The generated benchmarks' check of precision and recall: a generated line that holds a mistake
/// carries <see cref="Marker"/> with what the mistake is (and the rule meant to find it, if one
/// exists); every diagnostic of a family is compared with those lines.
/// </summary>
internal static class PlantedSites
{
    /// <summary>Marks a generated line that holds a mistake.</summary>
    public const string Marker = "// planted: ";

    /// <summary>
    /// Per rule of the family, its time, how many sites it reported and how many of them are on a
    /// planted line; then every site on a line with no mistake planted (a false positive, with the
    /// generated line), and the planted mistakes no rule reported, by kind.
    /// </summary>
    public static void Print(string family, string idPrefix, int files, IReadOnlyList<KeyValuePair<string, string>> sources, GeneratedBuild build)
    {
        var warnings = build.Warnings(idPrefix);
        var lines = sources.ToDictionary(s => s.Key, s => s.Value.Split('\n'), StringComparer.Ordinal);
        string LineOf(ReportedBuild.Warning w) =>
            lines.TryGetValue(Path.GetFileName(w.File), out var text) && w.Line <= text.Length ? text[w.Line - 1].Trim() : "?";
        bool IsPlanted(ReportedBuild.Warning w) => LineOf(w).Contains(Marker, StringComparison.Ordinal);

        // Beside every analyzer's time (the SDK's too): on a loaded machine all of them grow together.
        Console.WriteLine($"  {family} sites on {files} files (Csc {build.CompileMilliseconds:0} ms, every analyzer {ReportedBuild.AllAnalyzerSeconds(build.Output) * 1000:0} ms, ours {ReportedBuild.OurSeconds(build.Output) * 1000:0} ms):");
        foreach (var (id, seconds) in build.RuleSeconds.Where(r => r.Key.StartsWith(idPrefix, StringComparison.Ordinal)))
        {
            var sites = warnings.Where(w => w.Id == id).ToList();
            Console.WriteLine($"    {id}: {seconds * 1000:0} ms, {sites.Count} sites ({sites.Count(IsPlanted)} on planted lines)");
        }

        foreach (var site in warnings.Where(w => !IsPlanted(w)).GroupBy(LineOf).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = site.First();
            Console.WriteLine($"    not planted, {string.Join("/", site.Select(w => w.Id).Distinct())} ×{site.Count()} (first {Path.GetFileName(first.File)}:{first.Line}): {site.Key}");
        }

        var reported = warnings.Select(w => (File: Path.GetFileName(w.File), w.Line)).ToHashSet();
        var missed = sources
            .SelectMany(s => lines[s.Key].Select((text, index) => (s.Key, Line: index + 1, Text: text)))
            .Where(l => l.Text.Contains(Marker, StringComparison.Ordinal) && !reported.Contains((l.Key, l.Line)))
            .GroupBy(l => l.Text[(l.Text.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim());
        foreach (var kind in missed.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"    planted, not reported ×{kind.Count()}: {kind.Key}");
        }
    }
}
