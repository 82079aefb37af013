namespace Chapter02.Processes;

using Concurrency.Runtime.Multiprocessing;
using static Concurrency.Runtime.Threading.AcquirableExtensions; // gate.Hold()

/// <summary>
/// Course 2.7: several processes append to one file. The inter-process lock makes each
/// begin/end pair one turn (that part runs serially); without it the lines could interleave.
/// </summary>
public static class SharedFile
{
    public static void Run()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chapter02-{Environment.ProcessId}-shared.txt");
        File.Delete(path);
        var gate = new Lock();
        var writers = Enumerable.Range(1, 3).Select(id => new Process((Action<Lock, string, int>)Append, new object?[] { gate, path, id })).ToList();
        writers.ForEach(w => w.Start());
        writers.ForEach(w => w.Join());

        var lines = File.ReadAllLines(path);
        foreach (var line in lines)
        {
            Console.WriteLine($"  {line}");
        }

        var inTurns = lines.Chunk(2).All(pair => pair[1] == pair[0].Replace("begin", "end", StringComparison.Ordinal));
        Console.WriteLine($"{lines.Length} lines, every begin followed by its own end: {inTurns}; lock free again: {!gate.Locked}");
        File.Delete(path);
    }

    private static void Append(Lock gate, string path, int id)
    {
        for (var turn = 1; turn <= 2; turn++)
        {
            using (gate.Hold()) // acquire; released even if the body throws
            {
                File.AppendAllText(path, $"begin writer {id} turn {turn}\n");
                Thread.Sleep(5); // another writer would slip in here without the lock
                File.AppendAllText(path, $"end writer {id} turn {turn}\n");
            }
        }
    }
}
