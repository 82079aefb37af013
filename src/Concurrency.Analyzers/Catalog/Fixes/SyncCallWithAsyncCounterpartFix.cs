using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC403 (and of CONC407, where the callee has an async counterpart).</summary>
internal enum SyncCallWithAsyncCounterpartFixKind
{
    /// <summary>The call's shape cannot be renamed, <c>await</c> is not allowed there, or the fix would make the counterpart call itself.</summary>
    None,

    /// <summary><c>x.M(args)</c> becomes <c>await x.MAsync(args[, token])</c>.</summary>
    AwaitCounterpart,
}

/// <summary>
/// What CONC403's analyzer tells its fixer, in the diagnostic's properties: the analyzer has chosen
/// the counterpart among the overloads and knows the <c>CancellationToken</c> in scope.
/// </summary>
internal readonly struct SyncCallWithAsyncCounterpartFix
{
    private const string CounterpartKey = "Counterpart";
    private const string TokenKey = "Token";

    // Written for the token when the counterpart needs one and none is in scope; no parameter has this name.
    private const string CancellationTokenNone = "CancellationToken.None";

    public SyncCallWithAsyncCounterpartFix(SyncCallWithAsyncCounterpartFixKind kind, string counterpart, string? token, bool passesCancellationTokenNone)
    {
        Kind = kind;
        Counterpart = counterpart;
        Token = passesCancellationTokenNone ? null : token;
        PassesCancellationTokenNone = passesCancellationTokenNone;
    }

    public SyncCallWithAsyncCounterpartFixKind Kind { get; }

    /// <summary>The counterpart's name, for the rewrite and the fix's title.</summary>
    public string Counterpart { get; }

    /// <summary>The name of the <c>CancellationToken</c> in scope to pass as the counterpart's last argument, or null.</summary>
    public string? Token { get; }

    /// <summary>Whether <c>CancellationToken.None</c> is passed: the counterpart requires a token and none is in scope.</summary>
    public bool PassesCancellationTokenNone { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        properties.Add(CounterpartKey, Counterpart);
        if (PassesCancellationTokenNone || Token is not null)
        {
            properties.Add(TokenKey, PassesCancellationTokenNone ? CancellationTokenNone : Token);
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled (no counterpart).</summary>
    public static bool TryRead(Diagnostic diagnostic, out SyncCallWithAsyncCounterpartFix fix)
    {
        fix = default;
        if (!FixKindProperty.TryRead(diagnostic, out SyncCallWithAsyncCounterpartFixKind kind)
            || !diagnostic.Properties.TryGetValue(CounterpartKey, out var counterpart) || string.IsNullOrEmpty(counterpart))
        {
            return false;
        }

        diagnostic.Properties.TryGetValue(TokenKey, out var token);
        fix = new SyncCallWithAsyncCounterpartFix(kind, counterpart!, token, token == CancellationTokenNone);
        return true;
    }
}
