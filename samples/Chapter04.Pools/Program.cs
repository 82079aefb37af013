// Course chapter 4: pools. CONC203 — an executor not shut down on every path leaves its workers behind.
// The demo runs the unsafe version (Unsafe/, flagged) beside the fixed one (Fixed/, clean).
using Unsafe = Chapter04.Pools.Unsafe;
using Fixed = Chapter04.Pools.Fixed;

var images = new[] { "a.png", "broken.png", "c.png" };

Console.WriteLine("1. CONC203 — one of three images fails to resize:");
Console.WriteLine($"   unsafe: {Leftover(() => Unsafe.Thumbnails.ResizeAll(images, Resize))}");
Console.WriteLine($"   fixed:  {Leftover(() => Fixed.Thumbnails.ResizeAll(images, Resize))}");
return 0;

static int Resize(string image)
{
    Thread.Sleep(50);
    return image.StartsWith("broken", StringComparison.Ordinal) ? throw new InvalidDataException(image + " is not an image") : image.Length * 1000;
}

// The threads of this process after the call, against before it: a pool not shut down keeps its workers.
static string Leftover(Action resizeAll)
{
    var before = ThreadCount();
    try
    {
        resizeAll();
    }
    catch (InvalidDataException e)
    {
        Console.WriteLine($"           the caller sees: {e.Message}");
    }

    Thread.Sleep(100);
    var extra = ThreadCount() - before;
    return extra > 0
        ? $"{extra} more thread(s) than before: the pool's workers wait for work that never comes"
        : "no thread left behind: the pool was shut down on the way out";
}

static int ThreadCount()
{
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    return self.Threads.Count;
}
