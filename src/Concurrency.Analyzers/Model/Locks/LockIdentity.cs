using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The identity of a lock in code: which lock (<see cref="LockId"/>) a lock expression takes, and
/// which lock a call acquires.
/// </summary>
internal sealed class LockIdentity
{
    private readonly LockSymbols _locks;

    /// <param name="locks">The lock types.</param>
    public LockIdentity(LockSymbols locks) => _locks = locks;

    /// <summary>The lock <paramref name="call"/> acquires, or null.</summary>
    [MethodImpl(HotPath.Optimized)]
    public LockId? LockTaken(IInvocationOperation call, bool anyInstance = false) =>
        _locks.LockExpression(call) is { } locked ? LockOf(locked, anyInstance) : null;

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
    /// The lock an expression takes (see <see cref="LockId"/>): a field, a property (one that only
    /// returns a field is that field), <c>this</c> or <c>typeof(T)</c> — static, or of this instance, or,
    /// with <paramref name="anyInstance"/>, of any instance (all instances of a field are one lock). A
    /// local initialized from a field and never assigned again (<c>var g = _gate; lock (g)</c>) is the field.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static LockId? LockOf(IOperation operation, bool anyInstance = false)
    {
        operation = OperationHelpers.WalkDownConversion(operation);
        if (operation is ILocalReferenceOperation local && AliasedField(local) is { } aliased)
        {
            operation = aliased;
        }

        switch (operation)
        {
            case IFieldReferenceOperation reference when reference.Field.IsStatic || anyInstance || IsThis(reference.Instance):
                return LockId.Of(reference.Field);
            case IPropertyReferenceOperation { Property.IsIndexer: false } reference when reference.Property.IsStatic || anyInstance || IsThis(reference.Instance):
                return ReturnedField(reference.Property) is { } field ? LockId.Of(field) : LockId.Of(reference.Property);
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance, Type: { } type }:
                return LockId.This(type);
            case ITypeOfOperation typeOf:
                return LockId.TypeObject(typeOf.TypeOperand);
            default:
                return null;
        }
    }

    /// <summary>
    /// The parameter a lock expression is on: <c>from</c>, <c>from.Gate</c>, <c>from.Account.Gate</c>;
    /// null for anything else.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static IParameterSymbol? ParameterRoot(IOperation operation)
    {
        for (var current = OperationHelpers.WalkDownConversion(operation); ;)
        {
            switch (current)
            {
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation { Instance: { } instance }:
                    current = OperationHelpers.WalkDownConversion(instance);
                    continue;
                case IPropertyReferenceOperation { Instance: { } instance }:
                    current = OperationHelpers.WalkDownConversion(instance);
                    continue;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The pairs of parameters an operation orders: a comparison (<c>a.Id &lt; b.Id</c>,
    /// <c>RuntimeHelpers.GetHashCode(a) &gt; RuntimeHelpers.GetHashCode(b)</c>) or a <c>Compare</c>/<c>CompareTo</c>
    /// call between values of the two.
    /// </summary>
    public static IEnumerable<(IParameterSymbol, IParameterSymbol)> ComparedParameters(IOperation operation)
    {
        var (left, right) = operation switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual } binary
                => (ValueRoot(binary.LeftOperand), ValueRoot(binary.RightOperand)),
            IInvocationOperation { TargetMethod.Name: var name } call when name.IndexOf("Compare", StringComparison.Ordinal) >= 0
                => call.Instance is { } instance && call.Arguments.Length >= 1
                    ? (ValueRoot(instance), ValueRoot(call.Arguments[0].Value))
                    : call.Arguments.Length >= 2 ? (ValueRoot(call.Arguments[0].Value), ValueRoot(call.Arguments[1].Value)) : (null, null),
            _ => (null, null),
        };
        if (left is not null && right is not null && !SymbolEqualityComparer.Default.Equals(left, right))
        {
            yield return (left, right);
        }
    }

    // The parameter a compared value comes from: a.Id, a.Name.Length, GetHashCode(a), a.GetHashCode().
    private static IParameterSymbol? ValueRoot(IOperation value)
    {
        for (var current = value; ;)
        {
            switch (OperationHelpers.WalkDownConversion(current))
            {
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IMemberReferenceOperation { Instance: { } instance }:
                    current = instance;
                    continue;
                case IInvocationOperation { Instance: { } instance }:
                    current = instance;
                    continue;
                case IInvocationOperation { Arguments.Length: > 0 } call:
                    current = call.Arguments[0].Value;
                    continue;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                default:
                    return null;
            }
        }
    }

    private static bool IsThis(IOperation? instance) =>
        instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    // object SyncRoot => _root; / get => _root; / get { return this._root; }: the field is the lock.
    private static IFieldSymbol? ReturnedField(IPropertySymbol property)
    {
        if (property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax declaration)
        {
            return null;
        }

        var getter = declaration.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.GetAccessorDeclaration));
        var returned = declaration.ExpressionBody?.Expression
            ?? getter?.ExpressionBody?.Expression
            ?? (getter?.Body is { Statements: { Count: 1 } statements } && statements[0] is ReturnStatementSyntax { Expression: { } value } ? value : null);
        var name = returned switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
            _ => null,
        };
        return name is null ? null : property.ContainingType.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsStatic == property.IsStatic);
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
