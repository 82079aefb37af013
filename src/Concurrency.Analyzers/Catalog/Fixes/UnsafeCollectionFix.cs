using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC303.</summary>
internal enum UnsafeCollectionFixKind
{
    /// <summary>No safe rewrite: a use the concurrent type lacks and a statement that cannot be wrapped, or a lock already held.</summary>
    None,

    /// <summary>The local's or private field's type (and its creations) become the concurrent counterpart; <c>d.Add(k, v)</c> → <c>d.TryAdd(k, v)</c>.</summary>
    ConcurrentType,

    /// <summary><c>stmt;</c> → <c>lock (gate) { stmt; }</c> on the type's existing gate.</summary>
    Lock,

    /// <summary><c>stmt;</c> → <c>using (gate.Hold()) { stmt; }</c> on the type's runtime lock.</summary>
    Hold,

    /// <summary><c>stmt;</c> → <c>lock (gate) { stmt; }</c> on a new <c>private readonly object</c> field of the type.</summary>
    NewGate,
}

/// <summary>
/// What CONC303's analyzer tells its fixer: the lock (an existing one, or the name and staticness of
/// a new gate field), or the concurrent counterpart with the spans to rewrite — the type names of the
/// declaration and creations, the <c>Add</c> calls to rename to <c>TryAdd</c>, and the
/// <c>if (!d.ContainsKey(k)) d.Add(k, v);</c> statements that become the <c>TryAdd</c> alone — all in
/// the diagnostic's document.
/// </summary>
internal readonly struct UnsafeCollectionFix
{
    private const string GateKey = "Gate";
    private const string StaticKey = "Static";
    private const string CounterpartKey = "Counterpart";
    private const string TypesKey = "Types";
    private const string AddsKey = "Adds";
    private const string IfsKey = "Ifs";

    public UnsafeCollectionFix(UnsafeCollectionFixKind kind, string gate, bool isStatic, string counterpart, ImmutableArray<TextSpan> types, ImmutableArray<TextSpan> adds, ImmutableArray<TextSpan> ifs)
    {
        Kind = kind;
        Gate = gate;
        IsStatic = isStatic;
        Counterpart = counterpart;
        Types = types;
        Adds = adds;
        Ifs = ifs;
    }

    public UnsafeCollectionFixKind Kind { get; }

    /// <summary>The lock expression (<see cref="UnsafeCollectionFixKind.Lock"/>, <see cref="UnsafeCollectionFixKind.Hold"/>) or the new field's name.</summary>
    public string Gate { get; }

    /// <summary>Whether the new gate field is static.</summary>
    public bool IsStatic { get; }

    /// <summary>The counterpart's simple name: <c>ConcurrentBag</c>, <c>ConcurrentQueue</c>, <c>ConcurrentStack</c>, <c>ConcurrentDictionary</c>.</summary>
    public string Counterpart { get; }

    /// <summary>The generic type names to rename (the declared type, explicit creations).</summary>
    public ImmutableArray<TextSpan> Types { get; }

    /// <summary>The <c>Add</c> names to rename to <c>TryAdd</c>.</summary>
    public ImmutableArray<TextSpan> Adds { get; }

    /// <summary>The <c>if (!d.ContainsKey(k)) d.Add(k, v);</c> statements to replace by their <c>Add</c> statement.</summary>
    public ImmutableArray<TextSpan> Ifs { get; }

    public static UnsafeCollectionFix None { get; } = new(UnsafeCollectionFixKind.None, string.Empty, false, string.Empty, ImmutableArray<TextSpan>.Empty, ImmutableArray<TextSpan>.Empty, ImmutableArray<TextSpan>.Empty);

    public static UnsafeCollectionFix Locked(UnsafeCollectionFixKind kind, string gate, bool isStatic = false) =>
        new(kind, gate, isStatic, string.Empty, ImmutableArray<TextSpan>.Empty, ImmutableArray<TextSpan>.Empty, ImmutableArray<TextSpan>.Empty);

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        switch (Kind)
        {
            case UnsafeCollectionFixKind.Lock or UnsafeCollectionFixKind.Hold or UnsafeCollectionFixKind.NewGate:
                properties.Add(GateKey, Gate);
                properties.Add(StaticKey, IsStatic ? "true" : "false");
                break;
            case UnsafeCollectionFixKind.ConcurrentType:
                properties.Add(CounterpartKey, Counterpart);
                properties.Add(TypesKey, Write(Types));
                properties.Add(AddsKey, Write(Adds));
                properties.Add(IfsKey, Write(Ifs));
                break;
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out UnsafeCollectionFix fix)
    {
        fix = None;
        if (!FixKindProperty.TryRead(diagnostic, out UnsafeCollectionFixKind kind))
        {
            return false;
        }

        var properties = diagnostic.Properties;
        switch (kind)
        {
            case UnsafeCollectionFixKind.None:
                return true;
            case UnsafeCollectionFixKind.Lock or UnsafeCollectionFixKind.Hold or UnsafeCollectionFixKind.NewGate:
                if (!properties.TryGetValue(GateKey, out var gate) || gate is not { Length: > 0 }
                    || !properties.TryGetValue(StaticKey, out var isStatic) || isStatic is not ("true" or "false"))
                {
                    return false;
                }

                fix = Locked(kind, gate, isStatic == "true");
                return true;
            default:
                if (!properties.TryGetValue(CounterpartKey, out var counterpart) || counterpart is not ("ConcurrentBag" or "ConcurrentQueue" or "ConcurrentStack" or "ConcurrentDictionary")
                    || !TryReadSpans(properties, TypesKey, out var types) || !TryReadSpans(properties, AddsKey, out var adds) || !TryReadSpans(properties, IfsKey, out var ifs))
                {
                    return false;
                }

                fix = new UnsafeCollectionFix(kind, string.Empty, false, counterpart, types, adds, ifs);
                return true;
        }
    }

    private static string Write(ImmutableArray<TextSpan> spans) =>
        string.Join(";", spans.Select(s => s.Start.ToString(CultureInfo.InvariantCulture) + ":" + s.Length.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadSpans(ImmutableDictionary<string, string?> properties, string key, out ImmutableArray<TextSpan> spans)
    {
        spans = ImmutableArray<TextSpan>.Empty;
        if (!properties.TryGetValue(key, out var text) || text is null)
        {
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<TextSpan>();
        foreach (var part in text.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            if (colon < 0
                || !int.TryParse(part.Substring(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(part.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return false;
            }

            builder.Add(new TextSpan(start, length));
        }

        spans = builder.ToImmutable();
        return true;
    }
}
