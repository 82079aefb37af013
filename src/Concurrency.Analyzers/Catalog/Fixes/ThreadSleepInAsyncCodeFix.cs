using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC402.</summary>
internal enum ThreadSleepInAsyncCodeFixKind
{
    /// <summary>The sleep is not a statement where <c>await</c> is allowed.</summary>
    None,

    /// <summary><c>Thread.Sleep(x)</c> becomes <c>await Task.Delay(x)</c>.</summary>
    Delay,

    /// <summary><c>Thread.Sleep(0)</c> or <c>Thread.Sleep(1)</c> becomes <c>await Task.Yield()</c>.</summary>
    Yield,
}

/// <summary>
/// What CONC402's analyzer tells its fixer, in the diagnostic's properties: the analyzer knows the
/// argument's constant value and the <c>CancellationToken</c> in scope.
/// </summary>
internal readonly struct ThreadSleepInAsyncCodeFix
{
    private const string TokenKey = "Token";

    public ThreadSleepInAsyncCodeFix(ThreadSleepInAsyncCodeFixKind kind, string? token)
    {
        Kind = kind;
        Token = token;
    }

    public ThreadSleepInAsyncCodeFixKind Kind { get; }

    /// <summary>The name of the <c>CancellationToken</c> in scope to pass to <c>Task.Delay</c>, or null.</summary>
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
    public static bool TryRead(Diagnostic diagnostic, out ThreadSleepInAsyncCodeFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out ThreadSleepInAsyncCodeFixKind kind);
        diagnostic.Properties.TryGetValue(TokenKey, out var token);
        fix = read ? new ThreadSleepInAsyncCodeFix(kind, token) : default;
        return read;
    }
}
