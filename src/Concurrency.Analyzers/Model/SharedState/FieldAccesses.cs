using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>What the shared-state rules (CONC3xx) ask of one field access: a write, an atomic access, the object's initialization.</summary>
internal static class FieldAccesses
{
    /// <summary>Whether the access writes the field: an assignment's target, a compound assignment, <c>++</c>/<c>--</c>, a <c>ref</c>/<c>out</c> argument.</summary>
    public static bool IsWrite(IFieldReferenceOperation reference) => reference.Parent switch
    {
        ISimpleAssignmentOperation assignment => assignment.Target == reference,
        ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation => true,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
        _ => false,
    };

    /// <summary><c>Interlocked.Increment(ref _n)</c>, <c>Volatile.Read(ref _n)</c>: the field is read and written atomically by design.</summary>
    public static bool IsAtomic(IFieldReferenceOperation reference) =>
        reference.Parent is IArgumentOperation { Parent: IInvocationOperation call }
        && call.TargetMethod.ContainingType is { Name: "Interlocked" or "Volatile", ContainingNamespace.Name: "Threading" };

    /// <summary>
    /// The access is in the initialization of the field's object: a field or property initializer
    /// (<paramref name="owner"/> is the field or property), or the type's own constructor (static for
    /// a static field) on its own instance, outside the lambdas it creates — the object is not shared yet.
    /// </summary>
    public static bool IsInitialization(IFieldReferenceOperation reference, ISymbol owner, IFieldSymbol field) =>
        owner is IFieldSymbol or IPropertySymbol
        || owner is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor
            && constructor.IsStatic == field.IsStatic
            && SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, field.ContainingType)
            && OperationHelpers.EnclosingFunction(reference) is null
            && reference.Instance is null or IInstanceReferenceOperation;
}
