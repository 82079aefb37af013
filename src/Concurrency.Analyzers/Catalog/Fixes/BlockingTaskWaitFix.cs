using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC401; <see cref="BlockingWait"/> decides which one a wait allows.</summary>
internal enum BlockingTaskWaitFixKind
{
    /// <summary>No safe rewrite (a timeout, a used <c>WaitAny</c> index, a context where <c>await</c> is not allowed).</summary>
    None,

    /// <summary><c>t.Result</c>, <c>t.Wait()</c>, <c>t.GetAwaiter().GetResult()</c> → <c>await t</c>.</summary>
    Await,

    /// <summary>A runtime future's <c>f.Result()</c> → <c>await f</c> (<c>await f.AsTask().ConfigureAwait(false)</c> where the code uses <c>ConfigureAwait(false)</c>: a future has none).</summary>
    AwaitFuture,

    /// <summary><c>t.Wait(ct)</c> → <c>await t.WaitAsync(ct)</c>.</summary>
    WaitAsync,

    /// <summary><c>Task.WaitAll(...)</c> → <c>await Task.WhenAll(...)</c>.</summary>
    WhenAll,

    /// <summary><c>Task.WaitAny(...)</c> → <c>await Task.WhenAny(...)</c>, only where the index is not used.</summary>
    WhenAny,
}

/// <summary>
/// What CONC401's analyzer tells its fixer, in the diagnostic's properties: the analyzer has bound
/// the wait's arguments and knows whether <c>WaitAsync(CancellationToken)</c> exists.
/// </summary>
internal readonly struct BlockingTaskWaitFix
{
    public BlockingTaskWaitFix(BlockingTaskWaitFixKind kind)
    {
        Kind = kind;
    }

    public BlockingTaskWaitFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out BlockingTaskWaitFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out BlockingTaskWaitFixKind kind);
        fix = new BlockingTaskWaitFix(kind);
        return read;
    }
}
