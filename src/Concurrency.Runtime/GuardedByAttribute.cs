using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime;

/// <summary>
/// Declares that a field (or property) may only be read or written while the named lock is held.
/// The runtime does not enforce it; it documents the locking protocol for readers and for the
/// shared-state analyzer (CONC305), which checks accesses against it.
/// </summary>
/// <example>
/// <code>
/// private readonly Lock _gate = new();
/// [GuardedBy(nameof(_gate))] private int _count;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class GuardedByAttribute : Attribute
{
    /// <summary>Marks the member as guarded by the lock stored in the member named <paramref name="lockName"/>.</summary>
    /// <param name="lockName">The name of the field or property holding the lock; use <c>nameof</c>.</param>
    public GuardedByAttribute(string lockName)
    {
        LockName = LockNames.Validate(lockName);
    }

    /// <summary>The name of the member that holds the guarding lock.</summary>
    public string LockName { get; }
}
