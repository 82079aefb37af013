using Concurrency.Runtime.Threading;

namespace Concurrency.Runtime.Internal;

/// <summary>
/// A condition over a lock of its own that no user code can reach. It is held only briefly and
/// never while taking another lock, so it stays out of lock-order checking.
/// </summary>
internal static class PrivateCondition
{
    internal static Condition Create(string owner, ISyncMonitor? monitor = null) =>
        new(new Lock($"{owner}.lock", monitor ?? SystemMonitor.Instance, checkOrder: false));
}
