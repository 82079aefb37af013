using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The identity of a lock in code: which field a lock expression takes (all instances of a field
/// are one lock, a documented approximation; a local aliasing a field is the field), and which
/// field lock a call acquires.
/// </summary>
internal sealed class LockIdentity
{
    private readonly LockSymbols _locks;

    /// <param name="locks">The lock types.</param>
    public LockIdentity(LockSymbols locks) => _locks = locks;

    /// <summary>The field lock <paramref name="call"/> acquires, or null.</summary>
    [MethodImpl(HotPath.Optimized)]
    public IFieldSymbol? LockTaken(IInvocationOperation call, bool anyInstance = false) =>
        _locks.LockExpression(call) is { } locked ? FieldOf(locked, anyInstance) : null;

    /// <summary>
    /// Whether <paramref name="region"/> (a <c>finally</c>) releases the lock <paramref name="acquisition"/>
    /// takes: then the lock is held from the acquisition to the end of the <c>try</c>, and in its
    /// <c>catch</c> blocks. A <c>finally</c> that releases another lock says nothing of this one.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public bool ReleasedIn(IOperation region, IInvocationOperation acquisition)
    {
        if (_locks.LockExpression(acquisition) is not { } locked)
        {
            return false;
        }

        var key = LockSymbols.KeyOf(locked);
        foreach (var operation in region.Descendants())
        {
            if (operation is IInvocationOperation release && _locks.Releases(release, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first acquisition in <paramref name="operation"/> (itself or inside it), and the lock it takes.</summary>
    [MethodImpl(HotPath.Optimized)]
    public (IInvocationOperation Call, IOperation Lock)? Acquisition(IOperation operation)
    {
        foreach (var candidate in operation.DescendantsAndSelf())
        {
            if (candidate is IInvocationOperation call && _locks.LockExpression(call) is { } locked)
            {
                return (call, locked);
            }
        }

        return null;
    }

    /// <summary>
    /// The field a lock expression takes: a static field or a field of this instance — or, with
    /// <paramref name="anyInstance"/>, of any instance (all instances of a field are one lock). A local
    /// initialized from such a field and never assigned again (<c>var g = _gate; lock (g)</c>) is the field.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static IFieldSymbol? FieldOf(IOperation operation, bool anyInstance = false)
    {
        operation = OperationHelpers.WalkDownConversion(operation);
        if (operation is ILocalReferenceOperation local && AliasedField(local) is { } aliased)
        {
            operation = aliased;
        }

        return operation is IFieldReferenceOperation reference
            && (reference.Field.IsStatic || anyInstance || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                ? reference.Field.OriginalDefinition
                : null;
    }

    [MethodImpl(HotPath.Optimized)]
    private static IFieldReferenceOperation? AliasedField(ILocalReferenceOperation local)
    {
        IOperation? initializer = null;
        foreach (var operation in OperationHelpers.Root(local).Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local):
                    initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                    break;
                case ILocalReferenceOperation other when SymbolEqualityComparer.Default.Equals(other.Local, local.Local) && IsWritten(other):
                    return null;
            }
        }

        return initializer is not null && OperationHelpers.WalkDownConversion(initializer) is IFieldReferenceOperation field ? field : null;
    }

    private static bool IsWritten(ILocalReferenceOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        ITupleOperation tuple => tuple.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == tuple,
        IDeclarationExpressionOperation => true,
        _ => false,
    };
}
