namespace Chapter03.Lifecycle.Fixed;

/// <summary>The tasks are waited for (synchronous code) or awaited: a failure reaches the caller.</summary>
public static class Reports
{
    public static void Publish(string path, string text)
    {
        var task = Task.Run(() => File.WriteAllText(path, text));
        task.Wait();
    }

    public static async Task PublishBothAsync(string path, string text)
    {
        await SaveAsync(path + ".bak", text);
        await SaveAsync(path, text);
    }

    private static Task SaveAsync(string path, string text) => File.WriteAllTextAsync(path, text);
}
