namespace Chapter03.Lifecycle.Unsafe;

/// <summary>
/// Course topic 5.1 (submit and be notified): a task nobody waits for fails in silence. The task of
/// Task.Run is dropped in synchronous code (CONC204); the task of SaveAsync is discarded with _ =
/// (CONC209, a suggestion): if saving fails, nobody will ever see the exception.
/// </summary>
public static class Reports
{
    public static void Publish(string path, string text)
    {
        Task.Run(() => File.WriteAllText(path, text));
    }

    public static async Task PublishBothAsync(string path, string text)
    {
        _ = SaveAsync(path + ".bak", text);
        await SaveAsync(path, text);
    }

    private static Task SaveAsync(string path, string text) => File.WriteAllTextAsync(path, text);
}
