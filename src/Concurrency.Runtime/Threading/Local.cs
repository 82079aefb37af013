namespace Concurrency.Runtime.Threading;

/// <summary>
/// Thread-local storage, the typed counterpart of Python's <c>threading.local()</c>: each thread
/// sees its own <see cref="Value"/>, starting from the factory's value (or the default).
/// </summary>
/// <typeparam name="T">The type of the per-thread value.</typeparam>
public sealed class Local<T> : IDisposable
{
    private readonly System.Threading.ThreadLocal<T> _values;

    /// <summary>Creates storage whose initial value in each thread is <c>default(T)</c>.</summary>
    public Local()
    {
        _values = new System.Threading.ThreadLocal<T>();
    }

    /// <summary>Creates storage whose initial value in each thread comes from <paramref name="factory"/>, run lazily in that thread.</summary>
    public Local(Func<T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _values = new System.Threading.ThreadLocal<T>(factory);
    }

    /// <summary>The calling thread's value. Never blocks.</summary>
    public T Value
    {
        get => _values.Value!;
        set => _values.Value = value;
    }

    /// <summary>Whether the calling thread has set or read its value yet.</summary>
    public bool HasValue => _values.IsValueCreated;

    /// <summary>Frees the per-thread values.</summary>
    public void Dispose() => _values.Dispose();
}
