using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>
/// The property every fix contract writes: the kind of fix, as its enum member's name. Read
/// strictly (the exact name of a member), so a diagnostic from another version of the package,
/// whose kind this one does not know, offers no fix instead of a wrong one.
/// </summary>
internal static class FixKindProperty
{
    private const string Key = "Fix";

    /// <summary>A builder holding <paramref name="kind"/>, for the contract to add its own data to.</summary>
    public static ImmutableDictionary<string, string?>.Builder Write<TKind>(TKind kind)
        where TKind : struct, Enum
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(Key, Names<TKind>.Of[kind]);
        return properties;
    }

    /// <summary>The kind <paramref name="diagnostic"/> carries; false when it is missing or not a member of <typeparamref name="TKind"/>.</summary>
    public static bool TryRead<TKind>(Diagnostic diagnostic, out TKind kind)
        where TKind : struct, Enum
    {
        kind = default;
        return diagnostic.Properties.TryGetValue(Key, out var name) && name is not null && Names<TKind>.ByName.TryGetValue(name, out kind);
    }

    // The names once per enum: Enum.ToString and Enum.TryParse reflect on every call, and TryParse
    // also takes numbers and undefined values.
    private static class Names<TKind>
        where TKind : struct, Enum
    {
        public static readonly Dictionary<TKind, string> Of = Enum.GetValues(typeof(TKind)).Cast<TKind>().ToDictionary(k => k, k => k.ToString());

        public static readonly Dictionary<string, TKind> ByName = Of.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
    }
}
