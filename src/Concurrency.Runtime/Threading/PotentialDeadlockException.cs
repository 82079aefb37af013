namespace Concurrency.Runtime.Threading;

/// <summary>
/// Thrown by lock-order checking (<see cref="LockOrderChecking"/>) when an acquisition would take
/// two locks in the opposite order to one seen before. No thread is stuck yet, but two threads
/// following the two orders at the same time would deadlock (course topic 3.7, analyzer CONC101).
/// </summary>
public sealed class PotentialDeadlockException : InvalidOperationException
{
    internal PotentialDeadlockException(string message, IReadOnlyList<string> establishedOrder, IReadOnlyList<string> attemptedOrder)
        : base(message)
    {
        EstablishedOrder = establishedOrder;
        AttemptedOrder = attemptedOrder;
    }

    /// <summary>The lock names along the order already recorded, first taken first.</summary>
    public IReadOnlyList<string> EstablishedOrder { get; }

    /// <summary>The order the failing acquisition would have created: the held lock, then the requested one.</summary>
    public IReadOnlyList<string> AttemptedOrder { get; }
}
