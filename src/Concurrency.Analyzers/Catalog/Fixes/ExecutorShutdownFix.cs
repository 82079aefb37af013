using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC203.</summary>
internal enum ExecutorShutdownFixKind
{
    /// <summary>
    /// The executor is not made by a one-variable local declaration of a block, the local is assigned
    /// again, a shutdown passes other arguments than <c>wait: true</c>, or a using block would hide what
    /// follows it.
    /// </summary>
    None,

    /// <summary><c>var pool = new …;</c> → <c>using var pool = new …;</c>; a plain <c>pool.Shutdown();</c> ending the block goes (the using does it there).</summary>
    UsingDeclaration,

    /// <summary>
    /// <c>var pool = new …; work; pool.Shutdown(); more;</c> → <c>using (var pool = new …) { work } more;</c>:
    /// the pool is still shut down before what followed its shutdown.
    /// </summary>
    UsingBlock,
}

/// <summary>What CONC203's analyzer tells its fixer, in the diagnostic's properties.</summary>
internal readonly struct ExecutorShutdownFix
{
    public ExecutorShutdownFix(ExecutorShutdownFixKind kind)
    {
        Kind = kind;
    }

    public ExecutorShutdownFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out ExecutorShutdownFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out ExecutorShutdownFixKind kind);
        fix = new ExecutorShutdownFix(kind);
        return read;
    }
}
