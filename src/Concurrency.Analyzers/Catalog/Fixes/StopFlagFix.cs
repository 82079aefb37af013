using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC306.</summary>
internal enum StopFlagFixKind
{
    /// <summary>
    /// <c>volatile</c> is not allowed (an enum over <c>long</c>/<c>ulong</c>), or would not hold (the
    /// field is passed by reference to something other than <c>Interlocked</c>, where it stops being
    /// volatile — CS0420): the user's (see the rule's page).
    /// </summary>
    None,

    /// <summary><c>private bool _stop;</c> → <c>private volatile bool _stop;</c>; in a declaration of several fields, all of them (none is passed by reference).</summary>
    Volatile,

    /// <summary><c>private bool _stop, _busy;</c> where <c>_busy</c> is passed by reference: <c>private bool _busy;</c> and <c>private volatile bool _stop;</c>.</summary>
    Split,
}

/// <summary>What CONC306's analyzer tells its fixer: whether the field can be declared <c>volatile</c>.</summary>
internal readonly struct StopFlagFix
{
    public StopFlagFix(StopFlagFixKind kind)
    {
        Kind = kind;
    }

    public StopFlagFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out StopFlagFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out StopFlagFixKind kind);
        fix = new StopFlagFix(kind);
        return read;
    }
}
