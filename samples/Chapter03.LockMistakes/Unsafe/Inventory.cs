namespace Chapter03.LockMistakes.Unsafe;

/// <summary>
/// A <c>SemaphoreSlim(1, 1)</c> used as a lock is not reentrant: <see cref="Restock"/> holds it and
/// calls <see cref="Count"/>, which waits for it again — the thread waits for itself forever (course
/// topic 3.7, the self-deadlock an RLock avoids). CONC102 reports the call.
/// </summary>
public sealed class Inventory
{
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
    private readonly List<string> _items = new List<string>();

    public int Count()
    {
        _gate.Wait();
        try
        {
            return _items.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    public string Restock(string item)
    {
        _gate.Wait();
        try
        {
            _items.Add(item);
            return $"{Count()} items";                    // CONC102: Count() waits for _gate, held here
        }
        finally
        {
            _gate.Release();
        }
    }
}
