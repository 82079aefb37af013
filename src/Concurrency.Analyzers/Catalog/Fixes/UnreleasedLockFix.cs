using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC103.</summary>
internal enum UnreleasedLockFixKind
{
    /// <summary>The release is not a later statement of the acquisition's block, or moving the code between them would hide a local used after.</summary>
    None,

    /// <summary>The statements between acquisition and release move into <c>try { … } finally { release; }</c>.</summary>
    TryFinally,

    /// <summary>A runtime lock's <c>Acquire()</c> … <c>Release()</c> becomes <c>using (x.Hold()) { … }</c>.</summary>
    Hold,
}

/// <summary>
/// What CONC103's analyzer tells its fixer, in the diagnostic's properties: the analyzer has found
/// the release and knows whether <c>Hold()</c> is in scope.
/// </summary>
internal readonly struct UnreleasedLockFix
{
    public UnreleasedLockFix(UnreleasedLockFixKind kind)
    {
        Kind = kind;
    }

    public UnreleasedLockFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out UnreleasedLockFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out UnreleasedLockFixKind kind);
        fix = new UnreleasedLockFix(kind);
        return read;
    }
}
