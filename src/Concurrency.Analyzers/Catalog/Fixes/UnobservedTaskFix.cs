using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC204.</summary>
internal enum UnobservedTaskFixKind
{
    /// <summary>No safe rewrite (the task is dropped inside a loop or a branch, or where <c>await</c> is not allowed).</summary>
    None,

    /// <summary>Synchronous code: keep the task in a local and wait for it (<c>GetAwaiter().GetResult()</c>) at the end of the function.</summary>
    WaitAtEnd,

    /// <summary>Async code: <c>await</c> the local at the end of the function.</summary>
    AwaitAtEnd,

    /// <summary>A runtime future in synchronous code: keep it in a local and read <c>Result()</c> (which rethrows the work's exception) at the end of the function.</summary>
    ResultAtEnd,

    /// <summary>A runtime <c>executor.Map(…)</c> dropped in synchronous code → <c>foreach (var result in executor.Map(…)) { }</c>: waits for every result, rethrowing the first exception, as CPython's <c>list(executor.map(…))</c>.</summary>
    EnumerateResults,

    /// <summary><c>Task.Factory.StartNew(async …)</c> → <c>… .Unwrap()</c>: the task of the whole lambda.</summary>
    Unwrap,
}

/// <summary>What CONC204's analyzer tells its fixer: where the task is, and whether the function is async.</summary>
internal readonly struct UnobservedTaskFix
{
    public UnobservedTaskFix(UnobservedTaskFixKind kind)
    {
        Kind = kind;
    }

    public UnobservedTaskFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out UnobservedTaskFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out UnobservedTaskFixKind kind);
        fix = new UnobservedTaskFix(kind);
        return read;
    }
}
