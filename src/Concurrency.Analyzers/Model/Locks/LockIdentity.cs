using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// What the lock rules share about locks in code: which field a lock expression takes (its
/// identity: all instances of a field are one lock, a documented approximation; a local aliasing a
/// field is the field), which call acquires which lock, which accessors a property reference runs,
/// and per-method summaries of the locks a method takes on this instance, transitively through
/// calls and accessors of the compilation (up to <see cref="MaxDepth"/> calls deep, cycles cut),
/// cached per compilation. The walk of the bodies
/// themselves is <see cref="LockFactsCollector"/>'s.
/// </summary>
internal sealed class LockIdentity
{
    public const int MaxDepth = 5;

    private readonly Compilation _compilation;
    private readonly LockSymbols _locks;
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableDictionary<IFieldSymbol, string>> _acquiredBy = new(SymbolEqualityComparer.Default);

    /// <param name="compilation">The compilation whose methods are summarized.</param>
    /// <param name="locks">The lock types.</param>
    public LockIdentity(Compilation compilation, LockSymbols locks)
    {
        _compilation = compilation;
        _locks = locks;
    }

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

    /// <summary>
    /// The locks (fields of this instance, or static) a method takes, each with the chain of calls to
    /// where, following calls on the same instance and static calls, and the accessors of properties
    /// and indexers of the same instance (or static ones) it reads or assigns.
    /// </summary>
    public ImmutableDictionary<IFieldSymbol, string> AcquiredBy(IMethodSymbol method, CancellationToken cancellationToken) =>
        AcquiredBy(method, 0, ImmutableHashSet<IMethodSymbol>.Empty.WithComparer(SymbolEqualityComparer.Default), out _, cancellationToken);

    // A summary cut short (by a call cycle or the depth limit) depends on where it was asked from, so
    // only complete ones are cached: the result never depends on the order methods are analyzed in.
    private ImmutableDictionary<IFieldSymbol, string> AcquiredBy(IMethodSymbol method, int depth, ImmutableHashSet<IMethodSymbol> inProgress, out bool complete, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        complete = true;
        if (_acquiredBy.TryGetValue(method, out var known))
        {
            return known;
        }

        var empty = ImmutableDictionary<IFieldSymbol, string>.Empty.WithComparers(SymbolEqualityComparer.Default);
        if (method.DeclaringSyntaxReferences.Length == 0 || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly))
        {
            return empty;
        }

        if (depth > MaxDepth || inProgress.Contains(method))
        {
            complete = false;
            return empty;
        }

        var result = empty;
        foreach (var operation in OperationHelpers.BodiesOf(method, _compilation, cancellationToken))
        {
            foreach (var lockStatement in OperationHelpers.RunBy(operation).OfType<ILockOperation>())
            {
                if (FieldOf(lockStatement.LockedValue) is { } lockField && !result.ContainsKey(lockField))
                {
                    result = result.Add(lockField, $"lock ({lockStatement.LockedValue.Syntax}) ({OperationHelpers.Place(lockStatement.Syntax.GetLocation())})");
                }
            }

            foreach (var call in OperationHelpers.RunBy(operation).Where(o => o is IInvocationOperation or IPropertyReferenceOperation))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (call is IInvocationOperation invocation && LockTaken(invocation) is { } field && !result.ContainsKey(field))
                {
                    result = result.Add(field, $"{call.Syntax} ({OperationHelpers.Place(call.Syntax.GetLocation())})");
                    continue;
                }

                foreach (var target in InstanceCalls.SameInstanceCallees(call))
                {
                    var callee = AcquiredBy(target, depth + 1, inProgress.Add(method), out var calleeComplete, cancellationToken);
                    foreach (var pair in callee)
                    {
                        if (!result.ContainsKey(pair.Key))
                        {
                            result = result.Add(pair.Key, $"{InstanceCalls.Step(target)} → {pair.Value}");
                        }
                    }

                    complete &= calleeComplete;
                }
            }
        }

        if (complete)
        {
            _acquiredBy.TryAdd(method, result);
        }

        return result;
    }
}
