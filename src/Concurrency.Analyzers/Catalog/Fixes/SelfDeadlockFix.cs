using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC102.</summary>
internal enum SelfDeadlockFixKind
{
    /// <summary>Not a runtime <c>Lock</c> field: making a semaphore or a reader-writer lock reentrant is a design change.</summary>
    None,

    /// <summary>The runtime <c>Lock</c> field becomes an <c>RLock</c>, which its holder may acquire again.</summary>
    RLock,
}

/// <summary>
/// What CONC102's analyzer tells its fixer, in the diagnostic's properties: the analyzer knows the
/// lock's type, the fixer only sees syntax.
/// </summary>
internal readonly struct SelfDeadlockFix
{
    public SelfDeadlockFix(SelfDeadlockFixKind kind)
    {
        Kind = kind;
    }

    public SelfDeadlockFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out SelfDeadlockFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out SelfDeadlockFixKind kind);
        fix = new SelfDeadlockFix(kind);
        return read;
    }
}
