using System.Text.Json;
using Concurrency.Benchmarks.Harness;

namespace Concurrency.Benchmarks.RealCode;

/// <summary>
/// Suite <c>realcode</c>: our rules on someone else's code. Builds the projects of a checkout with
/// our analyzers added to every compilation (<c>benchmarks/RealCode/Concurrency.Analyzers.Inject.targets</c>
/// through <c>CustomAfterMicrosoftCommonTargets</c>: every CONC rule at warning, a SARIF log per
/// compilation, <c>ReportAnalyzer</c>), then prints how many sites each rule reports, what our
/// analyzers cost as a share of the Csc task, and writes every site with its message to a file to
/// read by hand.
/// <code>
/// dotnet run -c Release --project benchmarks/Concurrency.Benchmarks -- realcode &lt;checkout&gt;
///     [--project &lt;path in the checkout&gt;]… [--framework &lt;tfm&gt;] [--property &lt;Name=Value&gt;]…
///     [--name &lt;label&gt;] [--out &lt;folder&gt;] [--analyzers &lt;folder with another Concurrency.Analyzers.dll&gt;]
/// </code>
/// </summary>
public static class RealCodeSuite
{
    public static void Run(MetricSink sink, IReadOnlyList<string> args)
    {
        var options = RealCodeOptions.Parse(args);
        var injection = FindInjectionTargets();
        // The Concurrency.Analyzers.dll this suite was built with, or another build's (--analyzers), to compare two.
        var analyzers = options.Analyzers ?? AppContext.BaseDirectory;
        var sarifFolder = Path.Combine(options.Out, options.Name + ".sarif");
        if (Directory.Exists(sarifFolder))
        {
            Directory.Delete(sarifFolder, recursive: true);
        }

        Directory.CreateDirectory(sarifFolder);
        double oursSeconds = 0, allAnalyzersSeconds = 0, cscMs = 0;
        var perRuleSeconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var project in options.Projects)
        {
            Console.WriteLine($"building {project} ({options.Framework ?? "every framework"})");
            var output = ReportedBuild.Run(options.Checkout, BuildArguments(options, project, injection, analyzers, sarifFolder), TimeSpan.FromMinutes(30), project);
            if (!output.Contains("Concurrency.Analyzers, Version=", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{project} built, but the compiler reported no time for Concurrency.Analyzers: was the injection imported?");
            }

            oursSeconds += ReportedBuild.OurSeconds(output);
            allAnalyzersSeconds += ReportedBuild.AllAnalyzerSeconds(output);
            cscMs += ReportedBuild.CscMilliseconds(output);
            foreach (var (id, seconds) in ReportedBuild.RuleSeconds(output))
            {
                perRuleSeconds[id] = perRuleSeconds.GetValueOrDefault(id) + seconds;
            }
        }

        var sites = ReadSites(sarifFolder, options.Checkout);
        var sitesFile = Path.Combine(options.Out, options.Name + ".sites.txt");
        File.WriteAllLines(sitesFile, sites.Select(s => $"{s.Rule} {s.File}:{s.Line} {s.Message}"));
        Console.WriteLine($"{sites.Count} sites written to {sitesFile}");

        var prefix = "realcode." + options.Name.ToLowerInvariant();
        foreach (var rule in sites.GroupBy(s => s.Rule).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sink.Add($"{prefix}.{rule.Key.ToLowerInvariant()}.sites", rule.Count());
        }

        sink.Add($"{prefix}.all.sites", sites.Count);
        foreach (var (id, seconds) in perRuleSeconds)
        {
            sink.Add($"{prefix}.{id.ToLowerInvariant()}.ms", seconds * 1000);
        }

        sink.Add($"{prefix}.ours.ms", oursSeconds * 1000);
        sink.Add($"{prefix}.all_analyzers.ms", allAnalyzersSeconds * 1000);
        sink.Add($"{prefix}.csc.ms", cscMs);
        if (cscMs > 0)
        {
            sink.Add($"{prefix}.ours.share_of_compile_pct", 100 * oursSeconds * 1000 / cscMs);
        }
    }

    /// <summary>One reported site: a rule, a place and the message, the same site counted once over the frameworks built.</summary>
    public sealed record Site(string Rule, string File, int Line, string Message);

    /// <summary>The CONC results of every SARIF log in <paramref name="folder"/>, each site once, in a stable order.</summary>
    public static IReadOnlyList<Site> ReadSites(string folder, string checkout)
    {
        var sites = new HashSet<Site>();
        foreach (var log in Directory.EnumerateFiles(folder, "*.sarif"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(log));
            foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
            {
                if (!run.TryGetProperty("results", out var results))
                {
                    continue;
                }

                foreach (var result in results.EnumerateArray())
                {
                    var rule = result.TryGetProperty("ruleId", out var id) ? id.GetString() ?? "" : "";
                    if (!rule.StartsWith("CONC", StringComparison.Ordinal) || IsSuppressed(result))
                    {
                        continue;
                    }

                    var message = result.GetProperty("message").GetProperty("text").GetString() ?? "";
                    var (file, line) = Place(result, checkout);
                    sites.Add(new Site(rule, file, line, message));
                }
            }
        }

        return sites.OrderBy(s => s.Rule, StringComparer.Ordinal).ThenBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line).ThenBy(s => s.Message, StringComparer.Ordinal).ToList();
    }

    private static bool IsSuppressed(JsonElement result) =>
        result.TryGetProperty("suppressions", out var suppressions) && suppressions.GetArrayLength() > 0;

    private static (string File, int Line) Place(JsonElement result, string checkout)
    {
        if (!result.TryGetProperty("locations", out var locations) || locations.GetArrayLength() == 0)
        {
            return ("(no location)", 0);
        }

        var physical = locations[0].GetProperty("physicalLocation");
        var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString() ?? "";
        var path = Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : uri;
        var relative = Path.IsPathRooted(path) ? Path.GetRelativePath(checkout, path) : path;
        var line = physical.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var start) ? start.GetInt32() : 0;
        return (relative, line);
    }

    private static string FindInjectionTargets()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "benchmarks", "RealCode", "Concurrency.Analyzers.Inject.targets");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("benchmarks/RealCode/Concurrency.Analyzers.Inject.targets was not found above " + AppContext.BaseDirectory);
    }

    private static List<string> BuildArguments(RealCodeOptions options, string project, string injection, string analyzers, string sarifFolder)
    {
        var arguments = new List<string>
        {
            project,
            // Other repositories' own gates are not what is measured: their warnings stay warnings.
            "-p:TreatWarningsAsErrors=false", "-p:NuGetAudit=false",
            $"-p:CustomAfterMicrosoftCommonTargets={injection}",
            $"-p:ConcAnalyzerDir={analyzers.TrimEnd(Path.DirectorySeparatorChar)}",
            $"-p:ConcSarifDir={sarifFolder}",
        };
        if (options.Framework is not null)
        {
            arguments.AddRange(new[] { "-f", options.Framework });
        }

        // E.g. TargetFrameworks=netstandard2.1, so restore does not need the packs of the frameworks not built.
        arguments.AddRange(options.Properties.Select(p => "-p:" + p));
        return arguments;
    }
}

/// <summary>The command line of suite <c>realcode</c>.</summary>
public sealed class RealCodeOptions
{
    private RealCodeOptions(string checkout, IReadOnlyList<string> projects, string? framework, IReadOnlyList<string> properties, string name, string @out, string? analyzers)
    {
        Analyzers = analyzers;
        Properties = properties;
        Checkout = checkout;
        Projects = projects;
        Framework = framework;
        Name = name;
        Out = @out;
    }

    public string Checkout { get; }

    public IReadOnlyList<string> Projects { get; }

    public string? Framework { get; }

    /// <summary>MSBuild properties for every build, each <c>Name=Value</c>.</summary>
    public IReadOnlyList<string> Properties { get; }

    public string Name { get; }

    public string Out { get; }

    /// <summary>The folder of the <c>Concurrency.Analyzers.dll</c> to run, when not this build's.</summary>
    public string? Analyzers { get; }

    public static RealCodeOptions Parse(IReadOnlyList<string> args)
    {
        string? checkout = null, framework = null, name = null, @out = null, analyzers = null;
        var projects = new List<string>();
        var properties = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--project": projects.Add(Value()); break;
                case "--framework": framework = Value(); break;
                case "--property":
                    var property = Value();
                    properties.Add(property.IndexOf('=') > 0 ? property : throw new ArgumentException($"--property expects Name=Value, not '{property}'."));
                    break;
                case "--name": name = Value(); break;
                case "--out": @out = Value(); break;
                case "--analyzers": analyzers = Value(); break;
                case "--json": i++; break; // the harness's own option
                case var positional when !positional.StartsWith("--", StringComparison.Ordinal):
                    checkout = checkout is null ? positional : throw new ArgumentException($"One checkout is expected; '{checkout}' and '{positional}' were given.");
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. Expected --project, --framework, --property, --name, --out, --analyzers.");
            }
        }

        if (checkout is null || !Directory.Exists(checkout))
        {
            throw new ArgumentException(checkout is null ? "realcode needs the folder of a checkout to build." : $"The checkout '{checkout}' is not a folder.");
        }

        checkout = Path.GetFullPath(checkout);
        if (projects.Count == 0)
        {
            // The checkout's one solution at its root, when nothing is named.
            var solutions = Directory.EnumerateFiles(checkout, "*.sln").Concat(Directory.EnumerateFiles(checkout, "*.slnx")).ToList();
            projects.Add(solutions.Count == 1 ? Path.GetFileName(solutions[0]) : throw new ArgumentException(
                $"Name the projects to build with --project: '{checkout}' has {solutions.Count} solutions at its root."));
        }

        foreach (var project in projects.Where(p => !File.Exists(Path.Combine(checkout, p))))
        {
            throw new ArgumentException($"--project '{project}' is not a file in '{checkout}'.");
        }

        if (analyzers is not null && !File.Exists(Path.Combine(analyzers, "Concurrency.Analyzers.dll")))
        {
            throw new ArgumentException($"--analyzers '{analyzers}' has no Concurrency.Analyzers.dll.");
        }

        analyzers = analyzers is null ? null : Path.GetFullPath(analyzers);
        name ??= Path.GetFileName(checkout.TrimEnd(Path.DirectorySeparatorChar));
        @out = Path.GetFullPath(@out ?? Path.Combine(Path.GetTempPath(), "concurrency-realcode"));
        Directory.CreateDirectory(@out);
        return new RealCodeOptions(checkout, projects, framework, properties, name, @out, analyzers);
    }
}
