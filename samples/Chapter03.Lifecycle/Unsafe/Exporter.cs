namespace Chapter03.Lifecycle.Unsafe;

/// <summary>
/// Course topics 2.4 and 3.2: a thread is started to compress while the caller writes the index,
/// and joined after it. When writing the index throws, the join is skipped: the thread runs on,
/// unwatched, and keeps the program alive (CONC201 names the call that throws). An early return
/// skips it too.
/// </summary>
public sealed class Exporter
{
    public Thread? LastWorker { get; private set; }

    public void Export(string folder, Action compress)
    {
        var worker = new Thread(() => compress());
        LastWorker = worker;
        worker.Start();
        File.WriteAllText(Path.Combine(folder, "index.txt"), "index");
        worker.Join();
    }

    public int ExportIfAny(string[] files, Action compress)
    {
        var worker = new Thread(() => compress());
        worker.Start();
        if (files.Length == 0)
        {
            return 0;
        }

        worker.Join();
        return files.Length;
    }
}
