namespace Chapter03.Lifecycle.Fixed;

/// <summary>The worker is joined in a finally: every way out of the method, an exception or an early return included, waits for it.</summary>
public sealed class Exporter
{
    public Thread? LastWorker { get; private set; }

    public void Export(string folder, Action compress)
    {
        var worker = new Thread(() => compress());
        LastWorker = worker;
        worker.Start();
        try
        {
            File.WriteAllText(Path.Combine(folder, "index.txt"), "index");
        }
        finally
        {
            worker.Join();
        }
    }

    public int ExportIfAny(string[] files, Action compress)
    {
        var worker = new Thread(() => compress());
        worker.Start();
        try
        {
            if (files.Length == 0)
            {
                return 0;
            }

            return files.Length;
        }
        finally
        {
            worker.Join();
        }
    }
}
