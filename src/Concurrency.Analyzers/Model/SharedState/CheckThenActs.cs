using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>The shapes of a check-then-act (CONC304).</summary>
internal enum CheckThenActShape
{
    /// <summary><c>if (_x == null) _x = …;</c>, <c>_x ??= …</c>.</summary>
    LazyInitialization,

    /// <summary><c>if (!_d.ContainsKey(k)) _d[k] = …;</c>, <c>if (!_set.Contains(x)) _set.Add(x);</c>, <c>TryGetValue … else _d[k] = …</c>.</summary>
    Collection,

    /// <summary><c>if (_x == null) { lock (g) { if (_x == null) _x = …; } }</c>: checked again under a lock the first check does not hold.</summary>
    DoubleCheckedLocking,
}

/// <summary>One check-then-act: the read that checks, the write or call that acts on what it saw.</summary>
internal sealed class CheckThenAct
{
    public CheckThenAct(CheckThenActShape shape, IOperation check, IOperation act, ISymbol target, IConditionalOperation? test)
    {
        Shape = shape;
        Check = check;
        Act = act;
        Target = target;
        Test = test;
    }

    public CheckThenActShape Shape { get; }

    /// <summary>The field (or captured local) reference the check reads: the <c>_x</c> of <c>_x == null</c>, the receiver of <c>ContainsKey</c>, the target of <c>??=</c>.</summary>
    public IOperation Check { get; }

    /// <summary>The act: the assignment, the <c>??=</c>, the <c>Add</c> call or the indexer assignment.</summary>
    public IOperation Act { get; }

    /// <summary>The field or local checked and acted on.</summary>
    public ISymbol Target { get; }

    /// <summary>The <c>if</c> whose condition is the check (null for <c>??=</c>).</summary>
    public IConditionalOperation? Test { get; }
}

/// <summary>
/// Check-then-act shapes in the operation tree, as CONC304 reports them and CONC302 leaves them to
/// it: an <c>if</c> that tests a field for null (or a bool field, for double-checked locking) and
/// writes it in the branch that acts, or tests a collection's <c>ContainsKey</c>/<c>Contains</c>/
/// <c>TryGetValue</c> and adds to it there; and <c>_x ??= …</c> on a field. The branch that acts is
/// the one the test leads to (<c>== null</c>: the then-branch; <c>!= null</c>: the else-branch, or the
/// statements after an <c>if</c> that jumps away). Lambdas and local functions in it are not looked
/// into: they run later. A branch that also writes the field through <c>Interlocked</c>,
/// <c>Volatile</c> or <c>LazyInitializer</c> is an atomic protocol, not a check-then-act.
/// No lock is judged here but the double-checked one (a re-check under a lock the first check does not hold).
/// </summary>
internal static class CheckThenActs
{
    private enum TestKind
    {
        Null,
        Flag,
        Contains,
    }

    /// <summary>The check-then-act an <c>if</c> is the check of, or null.</summary>
    public static CheckThenAct? Of(IConditionalOperation test, HeldLocks held, CancellationToken cancellationToken)
    {
        if (test.Syntax is not IfStatementSyntax || TestOf(test.Condition) is not { } check || !IsCandidate(check.Reference))
        {
            return null;
        }

        var region = Region(test, check.ActsWhenTrue);
        if (region.Count == 0)
        {
            return null;
        }

        var target = SymbolOf(check.Reference)!;
        if (check.Kind == TestKind.Contains)
        {
            return FirstCollectionAct(region, check) is { } added
                ? new CheckThenAct(CheckThenActShape.Collection, check.Reference, added, target, test)
                : null;
        }

        // Writes of the field: plain ones act; one through Interlocked, Volatile or LazyInitializer makes it a protocol.
        IOperation? act = null;
        foreach (var operation in Walk(region))
        {
            if (operation is IFieldReferenceOperation reference && SameTarget(reference, check.Reference))
            {
                if (reference.Parent is IArgumentOperation { Parent: IInvocationOperation call } && IsAtomicApi(call.TargetMethod))
                {
                    return null;
                }

                if (act is null && reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference
                    || act is null && reference.Parent is ICoalesceAssignmentOperation coalesce && coalesce.Target == reference)
                {
                    act = reference.Parent;
                }
            }
        }

        if (act is null)
        {
            return null;
        }

        // Checked again, under a lock the first check does not hold: double-checked.
        var recheck = act is ICoalesceAssignmentOperation
            ? act
            : Enclosing<IConditionalOperation>(act, test).FirstOrDefault(inner => TestOf(inner.Condition) is { } again && again.Kind == check.Kind && SameTarget(again.Reference, check.Reference));
        if (recheck is not null && held.HeldAt(recheck, cancellationToken).Except(held.HeldAt(test, cancellationToken)).Any())
        {
            return new CheckThenAct(CheckThenActShape.DoubleCheckedLocking, check.Reference, act, target, test);
        }

        // 'if (Message is not null) throw …; Message = m;' is a set-once guard, not a lazy initialization.
        var guardThrows = !check.ActsWhenTrue && test.WhenFalse is null && Throws(test.WhenTrue);
        return check.Kind == TestKind.Null && !guardThrows ? new CheckThenAct(CheckThenActShape.LazyInitialization, check.Reference, act, target, test) : null;
    }

    /// <summary>The lazy initialization <c>_x ??= …</c> is, or null.</summary>
    public static CheckThenAct? Of(ICoalesceAssignmentOperation coalesce) =>
        OperationHelpers.WalkDownConversion(coalesce.Target) is IFieldReferenceOperation reference && IsCandidate(reference)
            ? new CheckThenAct(CheckThenActShape.LazyInitialization, reference, coalesce, reference.Field.OriginalDefinition, null)
            : null;

    /// <summary>
    /// Whether a field reference is the check or the act of a lazy initialization or double-checked
    /// locking: CONC304 reports those, so CONC302 leaves them alone.
    /// </summary>
    public static bool IsPartOfLazyInitialization(IFieldReferenceOperation reference, HeldLocks held, CancellationToken cancellationToken)
    {
        if (reference.Parent is ICoalesceAssignmentOperation coalesce && coalesce.Target == reference)
        {
            return Of(coalesce) is not null;
        }

        // The test it is read in, or the tests around the write it is the target of.
        for (IOperation? current = reference.Parent; current is not null && current is not (IAnonymousFunctionOperation or ILocalFunctionOperation); current = current.Parent)
        {
            if (current is IConditionalOperation test && Of(test, held, cancellationToken) is { Shape: not CheckThenActShape.Collection } found
                && (found.Check == reference || found.Act == reference.Parent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>this</c>-or-other object a field reference is read from, as written: <c>this</c> for the object itself or a static field.</summary>
    public static string InstanceOf(IOperation reference) =>
        reference is IMemberReferenceOperation { Instance: { } instance } && !(instance is IInstanceReferenceOperation || instance.IsImplicit)
            ? instance.Syntax.ToString()
            : "this";

    /// <summary>Whether <paramref name="method"/> writes a field atomically by design: <c>Interlocked</c>, <c>Volatile</c>, <c>LazyInitializer</c>.</summary>
    public static bool IsAtomicApi(IMethodSymbol method) =>
        method.ContainingType is { Name: "Interlocked" or "Volatile" or "LazyInitializer", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    // A field, or a local (captured or not: the rule judges), that the shapes can be about.
    private static bool IsCandidate(IOperation reference) => reference switch
    {
        IFieldReferenceOperation field => !field.Field.IsConst && !field.Field.IsImplicitlyDeclared,
        ILocalReferenceOperation => true,
        _ => false,
    };

    private static ISymbol? SymbolOf(IOperation reference) => reference switch
    {
        IFieldReferenceOperation field => field.Field.OriginalDefinition,
        ILocalReferenceOperation local => local.Local,
        _ => null,
    };

    private static bool SameTarget(IOperation a, IOperation b)
    {
        a = OperationHelpers.WalkDownConversion(a);
        b = OperationHelpers.WalkDownConversion(b);
        return (a, b) switch
        {
            (IFieldReferenceOperation x, IFieldReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Field.OriginalDefinition, y.Field.OriginalDefinition) && InstanceOf(x) == InstanceOf(y),
            (ILocalReferenceOperation x, ILocalReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Local, y.Local),
            _ => false,
        };
    }

    // What a condition tests: a field against null, a bool field, a collection's membership; and which outcome leads to the act.
    private static Test? TestOf(IOperation condition)
    {
        condition = OperationHelpers.WalkDownConversion(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } when TestOf(operand) is { } inner:
                return inner.Inverted();
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var field = IsNull(binary.RightOperand) ? binary.LeftOperand : IsNull(binary.LeftOperand) ? binary.RightOperand : null;
                return field is not null && OperationHelpers.WalkDownConversion(field) is IFieldReferenceOperation nullable
                    ? new Test(TestKind.Null, nullable, binary.OperatorKind == BinaryOperatorKind.Equals, null)
                    : null;
            case IIsPatternOperation { Pattern: var pattern, Value: var value } when OperationHelpers.WalkDownConversion(value) is IFieldReferenceOperation tested:
                return pattern switch
                {
                    IConstantPatternOperation { Value: var constant } when IsNull(constant) => new Test(TestKind.Null, tested, true, null),
                    INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } when IsNull(constant) => new Test(TestKind.Null, tested, false, null),
                    _ => null,
                };
            case IFieldReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } flag:
                return new Test(TestKind.Flag, flag, false, null); // if (_done) return; — acts when false
            case IInvocationOperation { TargetMethod.Name: "ContainsKey" or "Contains", Arguments.Length: 1, Instance: { } receiver } contains:
                return new Test(TestKind.Contains, OperationHelpers.WalkDownConversion(receiver), false, contains.Arguments[0].Value.Syntax.ToString());
            case IInvocationOperation { TargetMethod.Name: "TryGetValue", Arguments.Length: 2, Instance: { } receiver } lookup:
                return new Test(TestKind.Contains, OperationHelpers.WalkDownConversion(receiver), false, lookup.Arguments[0].Value.Syntax.ToString());
            default:
                return null;
        }
    }

    private static bool IsNull(IOperation operation) =>
        OperationHelpers.WalkDownConversion(operation) is { ConstantValue: { HasValue: true, Value: null } } or IDefaultValueOperation { Type: null or { IsReferenceType: true } };

    // The operations of the branch that acts: the one the test leads to, or the statements after an if that jumps away.
    private static List<IOperation> Region(IConditionalOperation test, bool actsWhenTrue)
    {
        if (actsWhenTrue)
        {
            return new List<IOperation> { test.WhenTrue };
        }

        if (test.WhenFalse is { } otherwise)
        {
            return new List<IOperation> { otherwise };
        }

        return OperationHelpers.LeavesBlock(test.WhenTrue) && test.Parent is IBlockOperation block
            ? block.Operations.SkipWhile(o => o != test).Skip(1).ToList()
            : new List<IOperation>();
    }

    private static bool Throws(IOperation statement) => statement switch
    {
        IBlockOperation block => block.Operations.Length > 0 && Throws(block.Operations[block.Operations.Length - 1]),
        IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => true,
        _ => false,
    };

    // Every operation of the region, in source order, not entering lambdas and local functions.
    private static IEnumerable<IOperation> Walk(IEnumerable<IOperation> region)
    {
        var stack = new Stack<IOperation>(region.Reverse());
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            yield return operation;
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                continue;
            }

            foreach (var child in operation.ChildOperations.Reverse())
            {
                stack.Push(child);
            }
        }
    }

    // The first 'c[k] = …' or 'c.Add(k, …)' on the tested collection with the tested key.
    private static IOperation? FirstCollectionAct(List<IOperation> region, Test check)
    {
        foreach (var operation in Walk(region))
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "Add", Instance: { } receiver } add
                    when add.Arguments.Length > 0 && SameTarget(receiver, check.Reference) && add.Arguments[0].Value.Syntax.ToString() == check.Key:
                    return add;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } receiver } indexer } assignment
                    when indexer.Arguments.Length == 1 && SameTarget(receiver, check.Reference) && indexer.Arguments[0].Value.Syntax.ToString() == check.Key:
                    return assignment;
            }
        }

        return null;
    }

    // The operations of type T around 'operation', inside 'outer' or the block after it, innermost first.
    private static IEnumerable<T> Enclosing<T>(IOperation operation, IOperation outer)
        where T : IOperation
    {
        for (var current = operation.Parent; current is not null && current != outer && current != outer.Parent; current = current.Parent)
        {
            if (current is T found)
            {
                yield return found;
            }
        }
    }

    private sealed class Test
    {
        public Test(TestKind kind, IOperation reference, bool actsWhenTrue, string? key)
        {
            Kind = kind;
            Reference = reference;
            ActsWhenTrue = actsWhenTrue;
            Key = key;
        }

        public TestKind Kind { get; }

        public IOperation Reference { get; }

        public bool ActsWhenTrue { get; }

        public string? Key { get; }

        public Test Inverted() => new(Kind, Reference, !ActsWhenTrue, Key);
    }
}
