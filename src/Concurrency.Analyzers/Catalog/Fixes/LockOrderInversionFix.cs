using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC101.</summary>
internal enum LockOrderInversionFixKind
{
    /// <summary>The site is in the canonical order, or no rewrite is safe.</summary>
    None,

    /// <summary>The two directly nested <c>lock</c> statements swap.</summary>
    Swap,

    /// <summary>A <c>lock</c> on the lock taken goes around the statement that holds the other.</summary>
    Wrap,
}

/// <summary>
/// What CONC101's analyzers tell its fixer, in the diagnostic's properties: the canonical order is
/// decided once over all the cycles, which no single document shows, so the analyzer passes each
/// site's part of it — for a wrap, the lock to take, the statement to wrap and the lock's rank.
/// </summary>
internal readonly struct LockOrderInversionFix
{
    private const string LockKey = "Lock";
    private const string OuterKey = "Outer";
    private const string RankKey = "Rank";

    private LockOrderInversionFix(LockOrderInversionFixKind kind, string? lockId, int outerStart, int rank)
    {
        Kind = kind;
        LockId = lockId;
        OuterStart = outerStart;
        Rank = rank;
    }

    /// <summary>No fix.</summary>
    public static LockOrderInversionFix None => default;

    /// <summary>Swap the two directly nested <c>lock</c> statements.</summary>
    public static LockOrderInversionFix Swap => new(LockOrderInversionFixKind.Swap, null, 0, 0);

    public LockOrderInversionFixKind Kind { get; }

    /// <summary>For <see cref="LockOrderInversionFixKind.Wrap"/>: the documentation id of the field to lock (a symbol does not cross into the fixer's compilation).</summary>
    public string? LockId { get; }

    /// <summary>For <see cref="LockOrderInversionFixKind.Wrap"/>: the start of the statement that holds the other lock.</summary>
    public int OuterStart { get; }

    /// <summary>For <see cref="LockOrderInversionFixKind.Wrap"/>: the place of the lock in the canonical order (0 first), so locks wrapped around one statement nest in that order.</summary>
    public int Rank { get; }

    /// <summary>Take <paramref name="taken"/> around the statement starting at <paramref name="outerStart"/>.</summary>
    public static LockOrderInversionFix Wrap(IFieldSymbol taken, int outerStart, int rank) =>
        new(LockOrderInversionFixKind.Wrap, DocumentationCommentId.CreateDeclarationId(taken), outerStart, rank);

    /// <summary>The field <see cref="LockId"/> names in <paramref name="compilation"/>, or null.</summary>
    public IFieldSymbol? FindLock(Compilation compilation) =>
        LockId is null ? null : DocumentationCommentId.GetFirstSymbolForDeclarationId(LockId, compilation) as IFieldSymbol;

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        if (Kind == LockOrderInversionFixKind.Wrap)
        {
            properties.Add(LockKey, LockId);
            properties.Add(OuterKey, OuterStart.ToString(CultureInfo.InvariantCulture));
            properties.Add(RankKey, Rank.ToString(CultureInfo.InvariantCulture));
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled (a wrap without its lock, statement or rank).</summary>
    public static bool TryRead(Diagnostic diagnostic, out LockOrderInversionFix fix)
    {
        fix = None;
        if (!FixKindProperty.TryRead(diagnostic, out LockOrderInversionFixKind kind))
        {
            return false;
        }

        if (kind != LockOrderInversionFixKind.Wrap)
        {
            fix = new LockOrderInversionFix(kind, null, 0, 0);
            return true;
        }

        if (!diagnostic.Properties.TryGetValue(LockKey, out var lockId) || string.IsNullOrEmpty(lockId)
            || !TryReadCount(diagnostic, OuterKey, out var outerStart)
            || !TryReadCount(diagnostic, RankKey, out var rank))
        {
            return false;
        }

        fix = new LockOrderInversionFix(kind, lockId, outerStart, rank);
        return true;
    }

    private static bool TryReadCount(Diagnostic diagnostic, string key, out int value)
    {
        value = 0;
        return diagnostic.Properties.TryGetValue(key, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
