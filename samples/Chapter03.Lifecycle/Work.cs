namespace Chapter03.Lifecycle;

/// <summary>The work the demos hand to their workers: static, so a child process can run it too.</summary>
public static class Work
{
    /// <summary>A child process's target: pretends to convert a file.</summary>
    public static void Convert() => Thread.Sleep(200);
}
