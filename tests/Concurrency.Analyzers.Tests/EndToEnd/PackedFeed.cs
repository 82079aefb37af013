using Concurrency.Analyzers.Tests.Infrastructure;

namespace Concurrency.Analyzers.Tests.EndToEnd;

/// <summary>
/// Packs both packages once per test class into a temporary local feed, building them in a private
/// artifacts folder so the repository's own outputs are left alone. Deleted afterwards.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "conc-e2e-" + Guid.NewGuid().ToString("N"));

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Version = ReadVersion();
        foreach (var project in new[] { "src/Concurrency.Analyzers.Package/Concurrency.Analyzers.Package.csproj", "src/Concurrency.Runtime/Concurrency.Runtime.csproj" })
        {
            (await DotNetCli.RunAsync(
                RepositoryPaths.Root,
                environment: null,
                "pack", Path.Combine(RepositoryPaths.Root, project), "-c", "Release", "-o", Feed,
                "--artifacts-path", Path.Combine(Root, "artifacts"), "--disable-build-servers")).EnsureSuccess($"dotnet pack {project}");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finished process: the temp folder is cleaned by the OS.
        }

        return Task.CompletedTask;
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    private static string ReadVersion()
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        return props.Descendants("Version").Single().Value;
    }
}
