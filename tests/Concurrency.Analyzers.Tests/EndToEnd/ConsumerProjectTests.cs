using System.Text.Json;
using System.Text.RegularExpressions;

namespace Concurrency.Analyzers.Tests.EndToEnd;

/// <summary>
/// The package as users meet it: a fresh console project references it from a local feed only,
/// its build reports CONC401, CONC403 and CONC404 at the right lines (and in a SARIF log), <c>dotnet format analyzers</c>
/// fixes them, and the rebuild is clean. Works offline: the consumer's only package source is the feed.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(EndToEndCollection.Name)]
public class ConsumerProjectTests(PackedFeed feed)
{
    private const string Program = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Program
        {
            private static readonly object Gate = new object();

            public static async Task<int> Main()
            {
                var answer = ComputeAsync();
                await Task.Yield();
                Console.WriteLine(answer.Result);
                File.WriteAllText(Path.GetTempFileName(), "done");
                Monitor.Enter(Gate);
                try { await Task.Delay(1); } finally { Monitor.Exit(Gate); }
                return 0;
            }

            private static async Task<int> ComputeAsync()
            {
                await Task.Delay(1);
                return 42;
            }
        }
        """;

    [Fact]
    public async Task Build_reports_CONC401_and_dotnet_format_fixes_it()
    {
        var app = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(feed.Root, "packages")}" />
              </config>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Concurrency.Analyzers" Version="{feed.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        var programPath = Path.Combine(app, "Program.cs");
        await File.WriteAllTextAsync(programPath, Program);
        var sarif = Path.Combine(feed.Root, "consumer.sarif");
        var lines = Program.Split('\n').ToList();
        var expectedLine = lines.FindIndex(l => l.Contains("answer.Result", StringComparison.Ordinal)) + 1;
        var expected403Line = lines.FindIndex(l => l.Contains("File.WriteAllText", StringComparison.Ordinal)) + 1;
        var expected404Line = lines.FindIndex(l => l.Contains("Monitor.Enter", StringComparison.Ordinal)) + 1;

        var build = (await DotNetCli.RunAsync(app, null, "build", "--disable-build-servers", "-p:ErrorLog=" + sarif + "%2Cversion=2.1"))
            .EnsureSuccess("first build");
        var reported = Regex.Matches(build.Output, @"Program\.cs\((\d+),(\d+)\): warning CONC401")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
        Assert.Equal(new[] { expectedLine }, reported);
        Assert.Matches($@"Program\.cs\({expected403Line},\d+\): warning CONC403", build.Output);
        AssertSarifReports(sarif, "CONC401", expectedLine);
        Assert.Matches($@"Program\.cs\({expected404Line},\d+\): warning CONC404", build.Output);
        AssertSarifReports(sarif, "CONC403", expected403Line);
        AssertSarifReports(sarif, "CONC404", expected404Line);

        (await DotNetCli.RunAsync(app, null, "format", "analyzers", Path.Combine(app, "Consumer.csproj"), "--diagnostics", "CONC401", "CONC403", "CONC404", "--severity", "info"))
            .EnsureSuccess("dotnet format analyzers");
        var fixedSource = await File.ReadAllTextAsync(programPath);
        Assert.Contains("Console.WriteLine(await answer);", fixedSource, StringComparison.Ordinal);
        Assert.Contains("await File.WriteAllTextAsync(Path.GetTempFileName(), \"done\");", fixedSource, StringComparison.Ordinal);
        Assert.Contains("private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);", fixedSource, StringComparison.Ordinal);
        Assert.Contains("await Gate.WaitAsync();", fixedSource, StringComparison.Ordinal);
        Assert.Contains("finally { Gate.Release(); }", fixedSource, StringComparison.Ordinal);
        Assert.DoesNotContain(".Result", fixedSource, StringComparison.Ordinal);

        var rebuild = (await DotNetCli.RunAsync(app, null, "build", "--disable-build-servers", "--no-incremental"))
            .EnsureSuccess("rebuild after the fix");
        Assert.DoesNotMatch("CONC40[134]", rebuild.Output);
        Assert.Matches(@"\b0 Error\(s\)|Build succeeded", rebuild.Output);
    }

    private static void AssertSarifReports(string sarifPath, string ruleId, int line)
    {
        var text = File.ReadAllText(sarifPath);
        using var document = JsonDocument.Parse(text);
        var lines = document.RootElement.GetProperty("runs").EnumerateArray()
            .SelectMany(run => run.TryGetProperty("results", out var results) ? results.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(r => r.TryGetProperty("ruleId", out var id) && id.GetString() == ruleId)
            .SelectMany(r => r.GetProperty("locations").EnumerateArray())
            .Select(l => l.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32())
            .ToList();
        Assert.True(lines.SequenceEqual(new[] { line }), $"Expected {ruleId} at line {line} in the SARIF log, found [{string.Join(", ", lines)}]:\n{text}");
    }
}
