using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC104.</summary>
internal enum SharedLockObjectFixKind
{
    /// <summary>A boxed value: every lock takes a new box, and no gate reproduces what the code meant.</summary>
    None,

    /// <summary>The type's locking on the expression moves to a new private gate field.</summary>
    PrivateGate,
}

/// <summary>
/// What CONC104's analyzer tells its fixer, in the diagnostic's properties: the analyzer has seen
/// the operation (a boxing conversion is not visible in the syntax).
/// </summary>
internal readonly struct SharedLockObjectFix
{
    public SharedLockObjectFix(SharedLockObjectFixKind kind)
    {
        Kind = kind;
    }

    public SharedLockObjectFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out SharedLockObjectFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out SharedLockObjectFixKind kind);
        fix = new SharedLockObjectFix(kind);
        return read;
    }
}
