namespace Chapter03.LockMistakes.Fixed;

/// <summary>
/// The public methods take the gate once; inside, the work is done by a private method that
/// expects the gate to be held already and never takes it.
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
            return CountHeld();
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
            return $"{CountHeld()} items";
        }
        finally
        {
            _gate.Release();
        }
    }

    // Called with _gate held.
    private int CountHeld() => _items.Count;
}
