using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The locks certainly held at an operation — what the shared-state rules (CONC3xx) compare an
/// access with. Read from the code around it in its own function: the <c>lock</c> statements and
/// <c>using (x.Hold())</c> scopes that enclose it, the <c>if (Monitor.TryEnter(x))</c> branches it is
/// in, and the acquisitions (<c>Monitor.Enter</c>, <c>Wait</c>, <c>Enter*Lock</c>, <c>Acquire</c>,
/// <c>using var h = x.Hold();</c>) earlier in the blocks around it with no release in between.
/// Then the caller's: a method marked <c>[RequiresLock(nameof(x))]</c> holds <c>x</c>, and a private
/// method holds what every call of it in its type holds (one level: its callers' own locks and
/// attributes). An Interlocked try-gate counts as a lock past its guard (<see cref="GateOf"/>). A lock is keyed by its symbol (<see cref="LockSymbols.KeyOf"/>) and the object it is
/// read from as written (<c>this</c>, <c>other</c>): <c>lock (_gate)</c> does not hold <c>other._gate</c>
/// (<see cref="Key(string, IOperation?)"/>). A lambda holds nothing
/// of the code that creates it: it may run later, on another thread. One per compilation.
/// </summary>
internal sealed class HeldLocks
{
    private static readonly ConditionalWeakTable<Compilation, HeldLocks> PerCompilation = new();

    private readonly Compilation _compilation;
    private readonly LockSymbols _locks;
    private readonly ConcurrentDictionary<IMethodSymbol, IReadOnlyCollection<string>> _byCallers = new(SymbolEqualityComparer.Default);

    private HeldLocks(Compilation compilation)
    {
        _compilation = compilation;
        _locks = LockSymbols.For(compilation);
    }

    public static HeldLocks For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new HeldLocks(c));

    /// <summary>
    /// The key of the lock the member named <paramref name="name"/> of <paramref name="type"/> (or a
    /// base type) holds — the argument of <c>[GuardedBy]</c>/<c>[RequiresLock]</c> — or null when the
    /// type has no such field or property. <c>"this"</c> is the object itself.
    /// </summary>
    public static string? KeyOfMember(INamedTypeSymbol type, string name) =>
        name == "this" ? "this" : LockMember(type, name) is { } member ? LockSymbols.KeyOfSymbol(member) : null;

    /// <summary>The field or property named <paramref name="name"/> of <paramref name="type"/> or a base type: where a named lock is kept.</summary>
    public static ISymbol? LockMember(INamedTypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is { } member)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>
    /// The key of the lock <paramref name="member"/> (a <see cref="KeyOfMember"/> key) read from
    /// <paramref name="instance"/>: <c>this</c> for the object itself (or none, for a static member),
    /// else the object's expression as written.
    /// </summary>
    public static string Key(string member, IOperation? instance) =>
        member == "this" && instance is not null && !IsOwn(instance) ? "this@" + instance.Syntax : member + "@" + (instance is null || IsOwn(instance) ? "this" : instance.Syntax.ToString());

    private static bool IsOwn(IOperation instance) => instance is IInstanceReferenceOperation || instance.IsImplicit;

    // A lock taken on an expression holds the lock in that member, and the object itself for members guarded by "this".
    private static void AddLock(HashSet<string> held, IOperation locked)
    {
        held.Add(KeyOfLock(locked));
        if (OperationHelpers.WalkDownConversion(locked) is not IInstanceReferenceOperation)
        {
            held.Add("this@" + OperationHelpers.WalkDownConversion(locked).Syntax);
        }
    }

    // The key of a lock expression: its symbol and the object it is read from.
    private static string KeyOfLock(IOperation locked)
    {
        var value = OperationHelpers.WalkDownConversion(locked);
        return value switch
        {
            IInstanceReferenceOperation => "this@this",
            IMemberReferenceOperation member => Key(LockSymbols.KeyOf(value), member.Instance),
            _ => Key(LockSymbols.KeyOf(value), null),
        };
    }

    /// <summary>The lock names a member's <c>[RequiresLock]</c> (the runtime's, or any attribute so named) give.</summary>
    public static IEnumerable<string> RequiredBy(ISymbol member) =>
        member.GetAttributes()
            .Where(a => a.AttributeClass?.Name is "RequiresLockAttribute" or "RequiresLock")
            .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string)
            .OfType<string>();

    /// <summary>Whether the lock keyed <paramref name="key"/> is certainly held at <paramref name="operation"/>.</summary>
    public bool IsHeld(IOperation operation, string key, CancellationToken cancellationToken) =>
        InFunction(operation).Contains(key) || Function(operation) is IMethodSymbol method && ByCallers(method, cancellationToken).Contains(key);

    /// <summary>Every lock certainly held at <paramref name="operation"/>: its function's and, for a private method, its callers'.</summary>
    public HashSet<string> HeldAt(IOperation operation, CancellationToken cancellationToken)
    {
        var held = InFunction(operation);
        if (Function(operation) is IMethodSymbol method)
        {
            held.UnionWith(ByCallers(method, cancellationToken));
        }

        return held;
    }

    /// <summary>The lock a key names, as people read it: <c>_gate</c>, <c>this</c>.</summary>
    public static string NameOf(string key) => key.Substring(0, key.IndexOf('@') is var at and >= 0 ? at : key.Length);

    /// <summary>The object a key's lock is read from: <c>this</c>, or the expression as written.</summary>
    public static string ObjectOf(string key) => key.Substring(key.LastIndexOf('@') + 1);

    /// <summary>The locks held at <paramref name="operation"/> by its own function, its <c>[RequiresLock]</c> included.</summary>
    public HashSet<string> InFunction(IOperation operation)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation:
                    return held; // created here, run later: the creator's locks are not held then
                case ILocalFunctionOperation local:
                    AddRequired(local.Symbol, held);
                    return held;
                case ILockOperation locked when child == locked.Body:
                    AddLock(held, locked.LockedValue);
                    break;
                case IUsingOperation scope when child == scope.Body:
                    AddAcquired(scope.Resources, held);
                    break;
                case IConditionalOperation { Condition: var condition } branch when child == branch.WhenTrue:
                    AddAcquired(condition, held); // if (Monitor.TryEnter(x)) { … }
                    break;
                case IBlockOperation block:
                    AddEarlierInBlock(block, child, held);
                    break;
                case IMethodBodyOperation or IConstructorBodyOperation:
                    break;
            }
        }

        if (operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) is IMethodSymbol member)
        {
            AddRequired(member, held);
            if (member.AssociatedSymbol is { } property)
            {
                AddRequired(property, held); // [RequiresLock] on a property holds in its accessors
            }
        }

        return held;
    }

    // What every call of a private method in its type holds: its callers' own locks and attributes.
    private IReadOnlyCollection<string> ByCallers(IMethodSymbol method, CancellationToken cancellationToken) =>
        _byCallers.GetOrAdd(method.OriginalDefinition, m =>
        {
            if (m.DeclaredAccessibility != Accessibility.Private || m.MethodKind != MethodKind.Ordinary || m.ContainingType is not { } type)
            {
                return Array.Empty<string>();
            }

            HashSet<string>? common = null;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
#pragma warning disable RS1030 // The type's other parts may call the method from other files.
                var model = _compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                foreach (var name in declaration.DescendantNodes().OfType<SimpleNameSyntax>().Where(n => n.Identifier.ValueText == m.Name))
                {
                    var use = model.GetOperation(name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access.Parent! : name.Parent!, cancellationToken);
                    if (use is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, m))
                    {
                        var held = InFunction(call);
                        if (common is null)
                        {
                            common = held;
                        }
                        else
                        {
                            common.IntersectWith(held);
                        }
                    }
                    else if (use is IMethodReferenceOperation)
                    {
                        return Array.Empty<string>(); // a delegate of it runs wherever it is invoked
                    }
                }
            }

            return (IReadOnlyCollection<string>?)common ?? Array.Empty<string>();
        });

    private static ISymbol? Function(IOperation operation) =>
        OperationHelpers.EnclosingFunction(operation) is null
            ? operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart)
            : null;

    private static void AddRequired(ISymbol member, HashSet<string> held)
    {
        if (member.ContainingType is not { } type)
        {
            return;
        }

        foreach (var name in RequiredBy(member))
        {
            if (KeyOfMember(type, name) is { } key)
            {
                held.Add(Key(key, null));
            }
        }
    }

    // 'Monitor.Enter(x); … access' and 'using var h = x.Hold(); … access' in one block, no release between.
    private void AddEarlierInBlock(IBlockOperation block, IOperation child, HashSet<string> held)
    {
        foreach (var statement in block.Operations)
        {
            if (statement == child)
            {
                return;
            }

            switch (statement)
            {
                case IExpressionStatementOperation { Operation: IInvocationOperation call }:
                    if (_locks.LockExpression(call) is { } locked && !IsHold(call))
                    {
                        AddLock(held, locked);
                    }
                    else if (held.Count > 0 && ReleasedFrom(call) is { } released && _locks.Releases(call, LockSymbols.KeyOf(released)))
                    {
                        held.Remove(KeyOfLock(released));
                        held.Remove("this@" + OperationHelpers.WalkDownConversion(released).Syntax);
                    }

                    break;
                case IUsingDeclarationOperation declaration:
                    AddAcquired(declaration.DeclarationGroup, held);
                    break;
                case IConditionalOperation { WhenFalse: null } guard when OperationHelpers.LeavesBlock(guard.WhenTrue) && GateOf(guard.Condition, block) is { } gate:
                    AddLock(held, gate); // a try-gate: one caller at a time gets past it
                    break;
            }
        }
    }

    /// <summary>
    /// The field of an Interlocked try-gate that a guard leaves by when the gate is taken:
    /// <c>if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0) return;</c> (or <c>is not 0</c>), or
    /// <c>var ran = Interlocked.CompareExchange(ref _cause, cause, null) == null; if (!ran) return;</c>
    /// earlier in <paramref name="block"/>. Past the guard, one caller at a time runs, as under a lock.
    /// </summary>
    private static IOperation? GateOf(IOperation condition, IBlockOperation block)
    {
        condition = OperationHelpers.WalkDownConversion(condition);
        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } compare:
                return TakenGate(compare.LeftOperand, compare.RightOperand) ?? TakenGate(compare.RightOperand, compare.LeftOperand);
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern:
                return TakenGate(pattern.Value, constant.Value);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } when OperationHelpers.WalkDownConversion(operand) is ILocalReferenceOperation flag:
                foreach (var statement in block.Operations)
                {
                    if (statement is IVariableDeclarationGroupOperation group
                        && group.Declarations.SelectMany(d => d.Declarators).FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, flag.Local)) is { Initializer.Value: var value }
                        && OperationHelpers.WalkDownConversion(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } won)
                    {
                        return TakenGate(won.LeftOperand, won.RightOperand) ?? TakenGate(won.RightOperand, won.LeftOperand);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    // Interlocked.CompareExchange(ref field, value, comparand) compared with its own comparand: the field.
    private static IOperation? TakenGate(IOperation exchange, IOperation compared) =>
        OperationHelpers.WalkDownConversion(exchange) is IInvocationOperation { TargetMethod: { Name: "CompareExchange", ContainingType.Name: "Interlocked" }, Arguments.Length: 3 } call
            && call.Arguments[0].Value is IFieldReferenceOperation gate
            && SameValue(call.Arguments[2].Value, compared)
                ? gate
                : null;

    private static bool SameValue(IOperation a, IOperation b)
    {
        a = OperationHelpers.WalkDownConversion(a);
        b = OperationHelpers.WalkDownConversion(b);
        return a.ConstantValue is { HasValue: true } x && b.ConstantValue is { HasValue: true } y
            ? Equals(x.Value, y.Value)
            : a.Syntax.ToString() == b.Syntax.ToString();
    }

    private static bool IsHold(IInvocationOperation call) => call.TargetMethod.Name == "Hold";

    // The lock a release statement gives back: Monitor.Exit(x)'s argument, else the receiver of Release/Exit*.
    private IOperation? ReleasedFrom(IInvocationOperation call) =>
        call.TargetMethod.IsStatic ? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null) : call.Instance;

    private void AddAcquired(IOperation resources, HashSet<string> held)
    {
        foreach (var call in resources.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            if (_locks.LockExpression(call) is { } locked)
            {
                AddLock(held, locked);
            }
        }
    }
}
