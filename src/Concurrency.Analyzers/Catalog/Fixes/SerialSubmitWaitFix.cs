using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>The fixes of CONC205.</summary>
internal enum SerialSubmitWaitFixKind
{
    /// <summary>
    /// The wait is not a plain statement of the loop body (or a declaration of its result that the
    /// rest of the body alone uses), it has a timeout, or a lambda shares a variable the loop changes.
    /// </summary>
    None,

    /// <summary>
    /// The submission goes into <c>futures.Add(…)</c> of a list declared before the loop; a <c>foreach</c>
    /// after the loop waits for each in order (<c>Result()</c>, <c>GetException()</c> or <c>await</c>, as
    /// written), followed by the statements that used the result.
    /// </summary>
    WaitEach,

    /// <summary>
    /// For tasks in async code: the submission goes into <c>tasks.Add(…)</c>; after the loop
    /// <c>await Task.WhenAll(tasks)</c>, or <c>foreach (var r in await Task.WhenAll(tasks)) { … }</c>
    /// when the iteration used the result.
    /// </summary>
    WhenAll,
}

/// <summary>
/// What CONC205's analyzer tells its fixer: the kind, and the element type of the list (fully
/// qualified, as C#: <c>global::Concurrency.Runtime.Futures.Future&lt;int&gt;</c>). The submission the
/// fix collects is the diagnostic's first additional location.
/// </summary>
internal readonly struct SerialSubmitWaitFix
{
    private const string ElementTypeKey = "ElementType";

    public SerialSubmitWaitFix(SerialSubmitWaitFixKind kind, string? elementType)
    {
        Kind = kind;
        ElementType = elementType;
    }

    public static SerialSubmitWaitFix None => new(SerialSubmitWaitFixKind.None, null);

    public SerialSubmitWaitFixKind Kind { get; }

    /// <summary>The list's element type; null only without a fix.</summary>
    public string? ElementType { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties()
    {
        var properties = FixKindProperty.Write(Kind);
        if (Kind != SerialSubmitWaitFixKind.None && ElementType is not null)
        {
            properties.Add(ElementTypeKey, ElementType);
        }

        return properties.ToImmutable();
    }

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled (a fix without its element type).</summary>
    public static bool TryRead(Diagnostic diagnostic, out SerialSubmitWaitFix fix)
    {
        fix = None;
        if (!FixKindProperty.TryRead(diagnostic, out SerialSubmitWaitFixKind kind))
        {
            return false;
        }

        if (kind == SerialSubmitWaitFixKind.None)
        {
            return true;
        }

        if (!diagnostic.Properties.TryGetValue(ElementTypeKey, out var elementType) || string.IsNullOrWhiteSpace(elementType))
        {
            return false;
        }

        fix = new SerialSubmitWaitFix(kind, elementType);
        return true;
    }
}
