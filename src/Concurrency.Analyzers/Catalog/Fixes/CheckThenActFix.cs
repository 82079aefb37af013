using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC304.</summary>
internal enum CheckThenActFixKind
{
    /// <summary>No safe rewrite: a lock around both is the user's choice (see the rule's page).</summary>
    None,

    /// <summary><c>if (_x == null) _x = e;</c> or <c>_x ??= e</c> → <c>LazyInitializer.EnsureInitialized(ref _x, () => e)</c>.</summary>
    EnsureInitialized,

    /// <summary><c>if (_x == null) _x = e; return _x;</c> → <c>return LazyInitializer.EnsureInitialized(ref _x, () => e);</c>.</summary>
    EnsureInitializedAndReturn,

    /// <summary><c>if (!_d.ContainsKey(k)) _d[k] = v;</c> on a <c>ConcurrentDictionary</c> → <c>_d.TryAdd(k, v);</c>.</summary>
    TryAdd,

    /// <summary>Double-checked locking: the field becomes <c>volatile</c>.</summary>
    Volatile,
}

/// <summary>What CONC304's analyzer tells its fixer: the analyzer knows the types and what the expressions use, the fixer rewrites the syntax.</summary>
internal readonly struct CheckThenActFix
{
    public CheckThenActFix(CheckThenActFixKind kind)
    {
        Kind = kind;
    }

    public CheckThenActFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out CheckThenActFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out CheckThenActFixKind kind);
        fix = new CheckThenActFix(kind);
        return read;
    }
}
