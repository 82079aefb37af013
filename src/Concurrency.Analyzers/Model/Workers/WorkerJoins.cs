using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>What a use of a started worker does to the duty to join it.</summary>
internal enum WorkerUse
{
    /// <summary>Reads or changes it, and nothing more: <c>t.Name</c>, <c>t.IsAlive</c>, <c>t == null</c>, <c>Log(t)</c> of a method that only reads it.</summary>
    Reads,

    /// <summary>Waits for it: <c>t.Join()</c>, <c>p.Join(timeout)</c>, <c>t?.Join()</c>.</summary>
    Joins,

    /// <summary>Hands it to other code, which then owns the join: returned, stored where it is joined, passed to a method that keeps it, captured, added to a collection.</summary>
    HandsOn,
}

/// <summary>
/// The joins of threads and processes (course topics 2.4, 2.5, 3.2): which workers must be joined
/// — a foreground BCL <c>Thread</c>, a non-daemon runtime <c>Thread</c>, a runtime <c>Process</c>
/// (a zombie until joined) — and what a use of one does to that duty (<see cref="WorkerUse"/>): a
/// field is handed on when its type joins it somewhere, a parameter when the method joins or keeps
/// it. Runtime <c>Timer</c>s are left out: a timer is cancelled, not joined. One per compilation.
/// </summary>
internal sealed class WorkerJoins
{
    private readonly WorkerSymbols _symbols;
    private readonly INamedTypeSymbol? _bclThread;
    private readonly INamedTypeSymbol? _runtimeThread;
    private readonly INamedTypeSymbol? _runtimeProcess;
    private readonly INamedTypeSymbol? _runtimeTimer;
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IFieldSymbol, bool> _joinedFields = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IParameterSymbol, bool> _keptParameters = new(SymbolEqualityComparer.Default);

    private const int MaxDepth = 3;

    [ThreadStatic]
    private static int t_depth;

    public WorkerJoins(Compilation compilation)
    {
        _compilation = compilation;
        _symbols = new WorkerSymbols(compilation);
        _bclThread = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread);
        _runtimeThread = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Thread);
        _runtimeProcess = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Process);
        _runtimeTimer = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Timer);
    }

    /// <summary>The type a worker that must be joined is (by its display name: <c>Thread</c>, <c>Process</c>), or null for anything else.</summary>
    public string? MustBeJoined(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current, _runtimeTimer))
            {
                return null;
            }

            if (TaskSymbols.Is(current, _bclThread) || TaskSymbols.Is(current, _runtimeThread))
            {
                return "Thread";
            }

            if (TaskSymbols.Is(current, _runtimeProcess))
            {
                return "Process";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="call"/> starts a worker (<c>Start</c>).</summary>
    public bool IsStart(IInvocationOperation call) => _symbols.RoleOf(call) == WorkerApi.Role.Start;

    /// <summary>Whether <paramref name="call"/> joins a worker (<c>Join</c>, with or without a timeout).</summary>
    public bool IsJoin(IInvocationOperation call) => _symbols.RoleOf(call) == WorkerApi.Role.Join;

    /// <summary>
    /// What <paramref name="reference"/>, a read of the variable that holds a started worker (in an
    /// operation tree or a control-flow graph), does with it. <paramref name="isWorker"/> says whether
    /// an operation reads that variable (a graph's flow captures of it included).
    /// </summary>
    public WorkerUse UseOf(IOperation reference, Func<IOperation, bool> isWorker, CancellationToken cancellationToken)
    {
        if (CommonUseOf(reference, IsJoin, out var child, out var parent) is { } common)
        {
            return common;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                return assignment.Target is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field && !IsJoinedByItsType(field.Field, cancellationToken)
                    ? WorkerUse.Reads
                    : WorkerUse.HandsOn;
            case IArgumentOperation { Parameter: { } parameter } argument when argument.Parent is IInvocationOperation invocation:
                return IsHarmless(invocation.TargetMethod) || !IsKept(parameter, cancellationToken) ? WorkerUse.Reads : WorkerUse.HandsOn;
            default:
                return WorkerUse.HandsOn;
        }
    }

    /// <summary>
    /// The uses every kind of worker agrees on: a call on it meets the duty when <paramref name="meets"/>
    /// says so (<c>t.Join()</c>, <c>t?.Join()</c>, <c>pool.Shutdown()</c>) and reads it otherwise; a member
    /// read, an assignment to the variable, a comparison, a type test, <c>nameof</c>, an interpolation
    /// read it. Null for the rest, which each kind judges itself from <paramref name="child"/> (the
    /// reference with its conversions) and <paramref name="parent"/>.
    /// </summary>
    public static WorkerUse? CommonUseOf(IOperation reference, Func<IInvocationOperation, bool> meets, out IOperation child, out IOperation? parent)
    {
        child = reference;
        parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IInvocationOperation call when call.Instance == child:
                return meets(call) ? WorkerUse.Joins : WorkerUse.Reads;
            case IConditionalAccessOperation access when access.Operation == child:
                return access.WhenNotNull is IInvocationOperation { Instance: IConditionalAccessInstanceOperation } conditionalCall && meets(conditionalCall) ? WorkerUse.Joins : WorkerUse.Reads;
            case IMemberReferenceOperation member when member.Instance == child:
            case ISimpleAssignmentOperation assignment when assignment.Target == child:
            case IFlowCaptureOperation:
            case IBinaryOperation or IIsNullOperation or IIsPatternOperation or IIsTypeOperation or INameOfOperation:
            case IInterpolationOperation:
                return WorkerUse.Reads;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether the type that declares <paramref name="field"/> joins it somewhere (a <c>Dispose</c>,
    /// <c>Stop</c>, <c>Close</c>, …) or hands it on; a field other types can reach counts as joined.
    /// </summary>
    public bool IsJoinedByItsType(IFieldSymbol field, CancellationToken cancellationToken) =>
        _joinedFields.GetOrAdd(field.OriginalDefinition, f => f.DeclaredAccessibility != Accessibility.Private
            || Nested(() => f.ContainingType.DeclaringSyntaxReferences.Any(reference => Mentions(reference.GetSyntax(cancellationToken), f.Name)
                .Any(name => OperationOf(name, cancellationToken) is IFieldReferenceOperation read
                    && SymbolEqualityComparer.Default.Equals(read.Field.OriginalDefinition, f)
                    && UseOf(read, _ => false, cancellationToken) != WorkerUse.Reads))));

    /// <summary>
    /// Whether a start of the worker <paramref name="creation"/> makes may leave it behind on purpose:
    /// a daemon or background thread, or one whose daemon flag is not a constant (or is set in a
    /// subclass of our own).
    /// </summary>
    public bool MayBeDaemon(IObjectCreationOperation creation)
    {
        // A subclass of our own (not the runtime's type itself, which may be in source too) that sets a daemon flag.
        if (creation.Type is INamedTypeSymbol { DeclaringSyntaxReferences.Length: > 0 } subclass
            && !TaskSymbols.Is(subclass, _runtimeThread) && !TaskSymbols.Is(subclass, _runtimeProcess)
            && subclass.DeclaringSyntaxReferences.Any(r => r.GetSyntax().ToString().IndexOf("aemon", StringComparison.Ordinal) >= 0 || r.GetSyntax().ToString().Contains("IsBackground")))
        {
            return true;
        }

        var argument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "daemon" && a.ArgumentKind != ArgumentKind.DefaultValue);
        if (argument is not null && !IsConstant(argument.Value, false))
        {
            return true;
        }

        return creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>().Any(a =>
            a.Target is IPropertyReferenceOperation { Property.Name: "IsBackground" or "Daemon" } && !IsConstant(a.Value, false)) == true;
    }

    /// <summary>Whether <paramref name="value"/> is the constant <paramref name="expected"/> (or null, for a <c>bool?</c> daemon flag meaning "inherit", read as false).</summary>
    public static bool IsConstant(IOperation value, bool expected) =>
        value.ConstantValue is { HasValue: true } constant && (constant.Value is bool b ? b == expected : constant.Value is null && !expected);

    /// <summary>The identifiers spelling <paramref name="name"/> in <paramref name="scope"/>: a text search before any binding.</summary>
    public static IEnumerable<IdentifierNameSyntax> Mentions(SyntaxNode scope, string name) =>
        scope.DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name)
            .Select(t => t.Parent)
            .OfType<IdentifierNameSyntax>();

    // A method that joins, keeps or passes on its parameter; any method we cannot read does.
    private bool IsKept(IParameterSymbol parameter, CancellationToken cancellationToken) =>
        _keptParameters.GetOrAdd(parameter.OriginalDefinition, p =>
        {
            if (p.ContainingSymbol is not IMethodSymbol method || method.DeclaringSyntaxReferences.IsEmpty || p.RefKind != RefKind.None)
            {
                return true;
            }

            return Nested(() => OperationHelpers.BodiesOf(method.OriginalDefinition, _compilation, cancellationToken)
                .SelectMany(body => body.DescendantsAndSelf().OfType<IParameterReferenceOperation>())
                .Any(read => SymbolEqualityComparer.Default.Equals(read.Parameter.OriginalDefinition, p)
                    && UseOf(read, _ => false, cancellationToken) != WorkerUse.Reads));
        });

    // Fields and parameters lead to each other (a parameter stored in a field, the field passed to a
    // method): a chain deeper than a few steps is trusted to keep the worker, which also ends cycles.
    private static bool Nested(Func<bool> question)
    {
        if (t_depth >= MaxDepth)
        {
            return true;
        }

        t_depth++;
        try
        {
            return question();
        }
        finally
        {
            t_depth--;
        }
    }

    /// <summary>Writing a worker to the console or a trace keeps nothing.</summary>
    public static bool IsHarmless(IMethodSymbol method) =>
        method.ContainingType is { Name: "Console" or "Debug" or "Trace" or "String" } type
        && type.ContainingNamespace?.ToDisplayString() is "System" or "System.Diagnostics";

    private IOperation? OperationOf(SyntaxNode node, CancellationToken cancellationToken) =>
        ModelOf(node.SyntaxTree).GetOperation(node, cancellationToken);

    /// <summary>The semantic model of a tree of the compilation: a type's other parts, a callee's body, may live in other files than the one analyzed.</summary>
#pragma warning disable RS1030
    public SemanticModel ModelOf(SyntaxTree tree) => _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
}
