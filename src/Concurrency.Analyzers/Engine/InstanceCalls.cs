using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Which methods an operation runs on the same instance as the code around it (or statically), and
/// which accessors a property or indexer reference runs: what instance-sensitive summaries follow.
/// </summary>
internal static class InstanceCalls
{
    // this.M(), M(), or a static call: the same instance's locks (another instance's would be another lock).
    [MethodImpl(HotPath.Optimized)]
    public static bool IsSameInstanceCall(IInvocationOperation call) =>
        call.TargetMethod.IsStatic || call.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>
    /// The accessors a property or indexer reference runs on the same instance (or of a static
    /// property): the getter where it is read, the setter where it is assigned, both for a compound
    /// assignment or an increment. None for another instance (<c>_next.P</c>, an object initializer's
    /// <c>new C { P = 1 }</c>) or inside <c>nameof</c>.
    /// </summary>
    public static IEnumerable<IMethodSymbol> SameInstanceAccessors(IPropertyReferenceOperation reference) =>
        IsSameInstanceReference(reference) ? AccessorsRun(reference) : Enumerable.Empty<IMethodSymbol>();

    /// <summary><c>P</c>, <c>this.P</c>, <c>this[i]</c> or a static property: this instance's accessors.</summary>
    [MethodImpl(HotPath.Optimized)]
    public static bool IsSameInstanceReference(IPropertyReferenceOperation reference) =>
        reference.Property.IsStatic || reference.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>
    /// The accessors a property or indexer reference runs, on whatever instance: the getter where it
    /// is read, the setter where it is assigned, both for a compound assignment or an increment; none
    /// inside <c>nameof</c>.
    /// </summary>
    public static IEnumerable<IMethodSymbol> AccessorsRun(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        if (OperationHelpers.IsInsideNameOf(reference))
        {
            yield break;
        }

        var (reads, writes) = reference.Parent switch
        {
            _ when property.ReturnsByRef || property.ReturnsByRefReadonly => (true, false),
            ISimpleAssignmentOperation assignment when assignment.Target == reference => (false, true),
            ICompoundAssignmentOperation assignment when assignment.Target == reference => (true, true),
            ICoalesceAssignmentOperation assignment when assignment.Target == reference => (true, true),
            IIncrementOrDecrementOperation => (true, true),
            ITupleOperation { Parent: IDeconstructionAssignmentOperation deconstruction } tuple when deconstruction.Target == tuple => (false, true),
            _ => (true, false),
        };
        if (reads && property.GetMethod is { } getter)
        {
            yield return getter;
        }

        if (writes && property.SetMethod is { } setter)
        {
            yield return setter;
        }
    }

    /// <summary>A step of a call chain as people read it: <c>Audit()</c>, <c>Total.get</c>, <c>this[].set</c>.</summary>
    public static string Step(IMethodSymbol method) =>
        method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet && method.AssociatedSymbol is IPropertySymbol property
            ? (property.IsIndexer ? "this[]" : property.Name) + (method.MethodKind == MethodKind.PropertyGet ? ".get" : ".set")
            : method.Name + "()";

    /// <summary>
    /// The methods an operation runs on the same instance (or statically): the target of
    /// <c>this.M()</c>/<c>M()</c>/a static call, the accessors of a property or indexer of this instance.
    /// </summary>
    public static IEnumerable<IMethodSymbol> SameInstanceCallees(IOperation operation) => operation switch
    {
        IInvocationOperation call when IsSameInstanceCall(call) => new[] { call.TargetMethod },
        IPropertyReferenceOperation reference => SameInstanceAccessors(reference),
        _ => Enumerable.Empty<IMethodSymbol>(),
    };
}
