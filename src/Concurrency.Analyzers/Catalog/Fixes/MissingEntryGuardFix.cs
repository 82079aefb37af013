using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC206.</summary>
internal enum MissingEntryGuardFixKind
{
    /// <summary>No rewrite: the entry point has no body to put the guard in.</summary>
    None,

    /// <summary>Insert <c>Process.EnterChildIfRequested();</c> as the first statement of the entry point (an expression-bodied <c>Main</c> becomes a block).</summary>
    Insert,

    /// <summary>The guard is there, later or nested: move that statement to the top instead of adding a second one.</summary>
    Move,
}

/// <summary>What CONC206's analyzer tells its fixer: whether to insert the guard or move the one at the diagnostic.</summary>
internal readonly struct MissingEntryGuardFix
{
    public MissingEntryGuardFix(MissingEntryGuardFixKind kind)
    {
        Kind = kind;
    }

    public MissingEntryGuardFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out MissingEntryGuardFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out MissingEntryGuardFixKind kind);
        fix = new MissingEntryGuardFix(kind);
        return read;
    }
}
