namespace Concurrency.Runtime.Threading;

/// <summary>
/// Something a thread acquires and later releases: <see cref="Lock"/>, <see cref="RLock"/>,
/// <see cref="Condition"/> and <see cref="Semaphore"/>. It gives them all the
/// <c>using (x.Hold()) { ... }</c> scope, the counterpart of Python's <c>with x:</c>.
/// </summary>
public interface IAcquirable
{
    /// <summary>
    /// Acquires the primitive. With <paramref name="blocking"/> true, waits until it is available or
    /// <paramref name="timeout"/> passes (null = wait forever); with false, never waits.
    /// </summary>
    /// <returns>Whether the primitive was acquired.</returns>
    bool Acquire(bool blocking = true, TimeSpan? timeout = null);

    /// <summary>Releases what <see cref="Acquire"/> took. Never blocks.</summary>
    void Release();
}

/// <summary>The <c>using</c> scope of <see cref="IAcquirable"/>.</summary>
public static class AcquirableExtensions
{
    /// <summary>
    /// Acquires <paramref name="primitive"/>, waiting as long as it takes, and returns a scope
    /// whose <see cref="HeldScope.Dispose"/> releases it: <c>using (gate.Hold()) { ... }</c>.
    /// </summary>
    public static HeldScope Hold(this IAcquirable primitive)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        primitive.Acquire();
        return new HeldScope(primitive);
    }

    /// <summary>
    /// Acquires <paramref name="primitive"/> within <paramref name="timeout"/> and returns the
    /// releasing scope; throws <see cref="TimeoutException"/> if the time runs out first.
    /// </summary>
    public static HeldScope Hold(this IAcquirable primitive, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        if (!primitive.Acquire(true, timeout))
        {
            throw new TimeoutException($"Could not acquire {primitive} within {timeout}.");
        }

        return new HeldScope(primitive);
    }
}

/// <summary>Releases an <see cref="IAcquirable"/> when disposed; returned by <see cref="AcquirableExtensions.Hold(IAcquirable)"/>.</summary>
public readonly struct HeldScope : IDisposable
{
    private readonly IAcquirable? _primitive;

    internal HeldScope(IAcquirable primitive)
    {
        _primitive = primitive;
    }

    /// <summary>Releases the primitive. Dispose the scope once: a second call releases it again.</summary>
    public void Dispose() => _primitive?.Release();
}
