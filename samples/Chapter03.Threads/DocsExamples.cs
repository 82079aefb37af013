namespace Chapter03.Threads;

/// <summary>Runs the examples from docs/runtime.md (compiled from DocsExamples.*.cs, copied verbatim).</summary>
public static class DocsExamples
{
    public static void Run()
    {
        Console.WriteLine($"CounterDemo: {Demo.CounterDemo.Run()}");
        Demo.JobsDemo.Run();
    }
}
