namespace Concurrency.Analyzers.Tests.Infrastructure;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding <c>Concurrency.Analyzers.sln</c>, searched upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Concurrency.Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Concurrency.Analyzers.sln above {AppContext.BaseDirectory}.");
    }
}
