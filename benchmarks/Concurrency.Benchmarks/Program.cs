using Concurrency.Benchmarks.Harness;

// The child-entry guard (Python's `if __name__ == '__main__':`): the process benchmarks start this
// program again as a child, which runs its target here and exits.
Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();

// dotnet run -c Release --project benchmarks/Concurrency.Benchmarks -- <suite> [--json <file>]
var suiteName = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var suiteArgs = suiteName is null ? Array.Empty<string>() : args.SkipWhile(a => a != suiteName).Skip(1).ToArray();
string? jsonPath = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--json")
    {
        if (i + 1 >= args.Length)
        {
            Console.Error.WriteLine("--json needs a file path.");
            return 2;
        }

        jsonPath = args[++i];
    }
}

if (suiteName is null || !Suites.All.TryGetValue(suiteName, out var suite))
{
    Console.Error.WriteLine($"usage: Concurrency.Benchmarks <{string.Join("|", Suites.All.Keys)}> [suite arguments] [--json <file>]");
    Console.Error.WriteLine(suiteName is null ? "No suite named." : $"Unknown suite '{suiteName}'.");
    return 2;
}

if (System.Diagnostics.Debugger.IsAttached || typeof(Program).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
    .OfType<System.Diagnostics.DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled))
{
    Console.Error.WriteLine("warning: not an optimized build; run with -c Release for figures worth comparing.");
}

Console.WriteLine($"suite {suiteName} on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
var sink = new MetricSink();
try
{
    suite(sink, suiteArgs);
}
catch (ArgumentException bad)
{
    Console.Error.WriteLine(bad.Message);
    return 2;
}
Console.WriteLine();
sink.PrintTable(Console.Out);
if (jsonPath is not null)
{
    File.WriteAllText(jsonPath, sink.ToJson());
    Console.WriteLine($"wrote {jsonPath}");
}

return 0;
