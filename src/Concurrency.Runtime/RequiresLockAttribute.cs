using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime;

/// <summary>
/// Declares that a method (or property accessor, or constructor) must only be called while the
/// named lock is already held by the caller, the C# counterpart of a "caller holds the lock"
/// comment. Not enforced at run time; the shared-state analyzer (CONC305) checks call sites.
/// </summary>
/// <example>
/// <code>
/// [RequiresLock(nameof(_gate))]
/// private void AppendLocked(int item) { _items.Add(item); }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor, AllowMultiple = true, Inherited = true)]
public sealed class RequiresLockAttribute : Attribute
{
    /// <summary>Marks the member as callable only with the lock stored in <paramref name="lockName"/> held.</summary>
    /// <param name="lockName">The name of the field or property holding the lock; use <c>nameof</c>.</param>
    public RequiresLockAttribute(string lockName)
    {
        LockName = LockNames.Validate(lockName);
    }

    /// <summary>The name of the member that holds the required lock.</summary>
    public string LockName { get; }
}
