using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC209.</summary>
internal enum DiscardedTaskFixKind
{
    /// <summary>Synchronous code, or where <c>await</c> is not allowed: the choice is the user's (see the rule's page).</summary>
    None,

    /// <summary><c>_ = WorkAsync();</c> → <c>await WorkAsync();</c>.</summary>
    Await,
}

/// <summary>What CONC209's analyzer tells its fixer: whether the discard may become an <c>await</c>.</summary>
internal readonly struct DiscardedTaskFix
{
    public DiscardedTaskFix(DiscardedTaskFixKind kind)
    {
        Kind = kind;
    }

    public DiscardedTaskFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out DiscardedTaskFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out DiscardedTaskFixKind kind);
        fix = new DiscardedTaskFix(kind);
        return read;
    }
}
