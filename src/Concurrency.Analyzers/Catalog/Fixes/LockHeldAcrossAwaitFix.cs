using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC404.</summary>
internal enum LockHeldAcrossAwaitFixKind
{
    /// <summary>No lock that can be awaited instead, or not a statement where <c>await</c> is allowed.</summary>
    None,

    /// <summary><c>semaphore.Wait()</c> becomes <c>await semaphore.WaitAsync()</c>.</summary>
    WaitAsync,

    /// <summary>A <c>Monitor</c> on a private object field becomes a <c>SemaphoreSlim(1, 1)</c> (the fixer checks every use of the field).</summary>
    SemaphoreSlim,
}

/// <summary>
/// What CONC404's analyzer tells its fixer, in the diagnostic's properties: the analyzer knows the
/// lock's type and the <c>CancellationToken</c> in scope.
/// </summary>
internal readonly struct LockHeldAcrossAwaitFix
{
    private const string TokenKey = "Token";

    public LockHeldAcrossAwaitFix(LockHeldAcrossAwaitFixKind kind, string? token)
    {
        Kind = kind;
        Token = token;
    }

    public LockHeldAcrossAwaitFixKind Kind { get; }

    /// <summary>The name of the <c>CancellationToken</c> in scope to pass to <c>WaitAsync</c>, or null.</summary>
    public string? Token { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        if (Token is not null)
        {
            properties.Add(TokenKey, Token);
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out LockHeldAcrossAwaitFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out LockHeldAcrossAwaitFixKind kind);
        diagnostic.Properties.TryGetValue(TokenKey, out var token);
        fix = read ? new LockHeldAcrossAwaitFix(kind, token) : default;
        return read;
    }
}
