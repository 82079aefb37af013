using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The atomic rewrites of CONC301 (a lock around the statement is <see cref="GuardedAccessFix"/>'s).</summary>
internal enum UnsynchronizedWriteFixKind
{
    /// <summary>No atomic form: a lock, or a redesign (see the rule's page).</summary>
    None,

    /// <summary><c>x++;</c> → <c>Interlocked.Increment(ref x);</c>.</summary>
    Increment,

    /// <summary><c>x--;</c> → <c>Interlocked.Decrement(ref x);</c>.</summary>
    Decrement,

    /// <summary><c>x += v;</c> → <c>Interlocked.Add(ref x, v);</c> (and <c>x -= v;</c> → <c>Interlocked.Add(ref x, -(v));</c>).</summary>
    Add,

    /// <summary><c>x = v;</c> → <c>Interlocked.Exchange(ref x, v);</c>.</summary>
    Exchange,
}

/// <summary>What CONC301's analyzer tells its fixer: which <c>Interlocked</c> call the statement of the write becomes.</summary>
internal readonly struct UnsynchronizedWriteFix
{
    public UnsynchronizedWriteFix(UnsynchronizedWriteFixKind kind)
    {
        Kind = kind;
    }

    public UnsynchronizedWriteFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out UnsynchronizedWriteFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out UnsynchronizedWriteFixKind kind);
        fix = new UnsynchronizedWriteFix(kind);
        return read;
    }
}
