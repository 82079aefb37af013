using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>What the shared-state rules (CONC3xx) ask of one access of a field (or a local or parameter): a write, an atomic access, the object's initialization.</summary>
internal static class FieldAccesses
{
    /// <summary>Whether the access writes the field: an assignment's target, a compound assignment, <c>++</c>/<c>--</c>, a <c>ref</c>/<c>out</c> argument.</summary>
    public static bool IsWrite(IOperation reference) => KindOf(reference) != AccessKind.Read;

    /// <summary>What a reference (of a field, local or parameter) does to its variable.</summary>
    public static AccessKind KindOf(IOperation reference) => reference.Parent switch
    {
        ISimpleAssignmentOperation assignment when assignment.Target == reference => AccessKind.Write,
        ICompoundAssignmentOperation assignment when assignment.Target == reference => AccessKind.ReadModifyWrite,
        ICoalesceAssignmentOperation assignment when assignment.Target == reference => AccessKind.ReadModifyWrite,
        IIncrementOrDecrementOperation => AccessKind.ReadModifyWrite,
        IArgumentOperation { Parameter.RefKind: RefKind.Out } => AccessKind.Write,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref } => AccessKind.ReadModifyWrite,
        _ => AccessKind.Read,
    };

    /// <summary><c>Interlocked.Increment(ref _n)</c>, <c>Volatile.Read(ref _n)</c>: the variable is read and written atomically by design.</summary>
    public static bool IsAtomic(IOperation reference) =>
        reference.Parent is IArgumentOperation { Parent: IInvocationOperation call }
        && call.TargetMethod.ContainingType is { Name: "Interlocked" or "Volatile", ContainingNamespace.Name: "Threading" };

    /// <summary>
    /// The reference is the object a <c>lock</c> statement or <c>Monitor.Enter</c>/<c>TryEnter</c>
    /// locks: it takes the lock, it does not touch what the object holds (real code: Redis's
    /// <c>lock (_queue) { _queue.Enqueue(x); }</c> was reported as an unlocked access of the queue).
    /// </summary>
    public static bool IsLockedObject(IOperation reference)
    {
        var current = reference;
        while (current.Parent is IConversionOperation conversion)
        {
            current = conversion;
        }

        return current.Parent is ILockOperation locked && locked.LockedValue == current
            || current.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Enter" or "TryEnter" or "Exit", ContainingType.Name: "Monitor" } } };
    }

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
