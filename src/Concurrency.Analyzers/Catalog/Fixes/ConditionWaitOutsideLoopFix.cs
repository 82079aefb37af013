using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC105.</summary>
internal enum ConditionWaitOutsideLoopFixKind
{
    /// <summary>The wait is not the only statement of an <c>if</c> without <c>else</c>.</summary>
    None,

    /// <summary>The <c>if</c> becomes a <c>while</c>.</summary>
    While,

    /// <summary>A runtime condition's <c>if (c) x.Wait();</c> becomes <c>x.WaitFor(() =&gt; !c);</c>.</summary>
    WaitFor,
}

/// <summary>
/// What CONC105's analyzer tells its fixer, in the diagnostic's properties: the analyzer knows
/// which wait it is and whether a lambda may capture the condition.
/// </summary>
internal readonly struct ConditionWaitOutsideLoopFix
{
    public ConditionWaitOutsideLoopFix(ConditionWaitOutsideLoopFixKind kind)
    {
        Kind = kind;
    }

    public ConditionWaitOutsideLoopFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out ConditionWaitOutsideLoopFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out ConditionWaitOutsideLoopFixKind kind);
        fix = new ConditionWaitOutsideLoopFix(kind);
        return read;
    }
}
