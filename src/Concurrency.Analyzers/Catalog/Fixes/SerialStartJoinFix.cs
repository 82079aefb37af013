using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC202.</summary>
internal enum SerialStartJoinFixKind
{
    /// <summary>The join is not a plain statement of the loop body, the iteration goes on to use the worker, or a lambda shares a variable the loop changes.</summary>
    None,

    /// <summary>The join becomes <c>workers.Add(w)</c> into a list declared before the loop; a <c>foreach</c> after the loop joins each.</summary>
    JoinEach,

    /// <summary>For tasks: the wait becomes <c>tasks.Add(t)</c>; <c>Task.WaitAll(tasks.ToArray())</c> after the loop.</summary>
    WaitAll,
}

/// <summary>
/// What CONC202's analyzer tells its fixer, in the diagnostic's properties: the kind, and the
/// element type of the list (fully qualified, as C#), which the analyzer knows from the worker's type.
/// </summary>
internal readonly struct SerialStartJoinFix
{
    private const string ElementTypeKey = "ElementType";

    public SerialStartJoinFix(SerialStartJoinFixKind kind, string? elementType)
    {
        Kind = kind;
        ElementType = elementType;
    }

    public static SerialStartJoinFix None => new(SerialStartJoinFixKind.None, null);

    public SerialStartJoinFixKind Kind { get; }

    /// <summary>The list's element type, e.g. <c>global::System.Threading.Thread</c>; null only without a fix.</summary>
    public string? ElementType { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        if (Kind != SerialStartJoinFixKind.None && ElementType is not null)
        {
            properties.Add(ElementTypeKey, ElementType);
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled (a fix without its element type).</summary>
    public static bool TryRead(Diagnostic diagnostic, out SerialStartJoinFix fix)
    {
        fix = None;
        if (!FixKindProperty.TryRead(diagnostic, out SerialStartJoinFixKind kind))
        {
            return false;
        }

        if (kind == SerialStartJoinFixKind.None)
        {
            return true;
        }

        if (!diagnostic.Properties.TryGetValue(ElementTypeKey, out var elementType) || string.IsNullOrWhiteSpace(elementType))
        {
            return false;
        }

        fix = new SerialStartJoinFix(kind, elementType);
        return true;
    }
}
