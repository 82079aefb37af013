using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC208.</summary>
internal enum AsyncLambdaAsVoidDelegateFixKind
{
    /// <summary>No async counterpart of the target, or the call is not a statement of an async function: a person decides (tasks and <c>Task.WhenAll</c>, or a synchronous body).</summary>
    None,

    /// <summary><c>Parallel.ForEach(source, async x => …)</c> becomes <c>await Parallel.ForEachAsync(source, async (x, ct) => …)</c> (.NET 6 and later).</summary>
    ForEachAsync,

    /// <summary><c>Parallel.For(from, to, async i => …)</c> becomes <c>await Parallel.ForAsync(from, to, async (i, ct) => …)</c> (.NET 8 and later).</summary>
    ForAsync,
}

/// <summary>
/// What CONC208's analyzer tells its fixer, in the diagnostic's properties: the analyzer knows the
/// overload bound and whether its async counterpart exists in the compilation; the fixer only sees syntax.
/// </summary>
internal readonly struct AsyncLambdaAsVoidDelegateFix
{
    public AsyncLambdaAsVoidDelegateFix(AsyncLambdaAsVoidDelegateFixKind kind)
    {
        Kind = kind;
    }

    public AsyncLambdaAsVoidDelegateFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out AsyncLambdaAsVoidDelegateFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out AsyncLambdaAsVoidDelegateFixKind kind);
        fix = new AsyncLambdaAsVoidDelegateFix(kind);
        return read;
    }
}
