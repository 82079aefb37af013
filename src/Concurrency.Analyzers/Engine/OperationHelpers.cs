using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Small rule-agnostic operation-tree helpers shared by the engine, the models and the analyzers;
/// the ones that know about tasks are in <see cref="Model.Tasks.TaskOperations"/>.
/// </summary>
internal static class OperationHelpers
{
    /// <summary>Looks through implicit conversions.</summary>
    public static IOperation WalkDownConversion(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// Whether the operation is a collection expression (<c>[a, b]</c>). Roslyn 4.8, which the
    /// analyzers compile against, represents it as an operation of kind None over the elements; newer
    /// compilers that load the analyzers produce <c>OperationKind.CollectionExpression</c>, compared
    /// by name since the 4.8 API predates it.
    /// </summary>
    public static bool IsCollectionExpression(IOperation operation) =>
        operation.Kind.ToString() == CollectionExpressionKind
        || (operation.Kind == OperationKind.None && operation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CollectionExpressionSyntax);

    private const string CollectionExpressionKind = "CollectionExpression";

    /// <summary>
    /// Whether the call passes a zero timeout (<c>Wait(0)</c>, <c>Wait(TimeSpan.Zero)</c>): a
    /// non-blocking try, whatever the method does with longer timeouts.
    /// </summary>
    public static bool PassesZeroTimeout(IInvocationOperation invocation, INamedTypeSymbol? timeSpan) =>
        invocation.Arguments.Any(a =>
            a.ArgumentKind != ArgumentKind.DefaultValue
            && a.Parameter is { } parameter
            && parameter.Name.IndexOf("timeout", StringComparison.OrdinalIgnoreCase) >= 0
            && (a.Value.ConstantValue is { HasValue: true, Value: 0 or 0L }
                || (WalkDownConversion(a.Value) is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } zero }
                    && TaskSymbols.Is(zero.ContainingType, timeSpan))));

    /// <summary>The local or parameter an operation reads, if it is a plain read of one.</summary>
    public static ISymbol? ReferencedLocalOrParameter(IOperation operation) => WalkDownConversion(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>
    /// The nearest function that owns <paramref name="operation"/>: a lambda, anonymous method or
    /// local function, or null for the member itself.
    /// </summary>
    public static IOperation? EnclosingFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The root of the operation tree that contains <paramref name="operation"/>.</summary>
    public static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>Whether <paramref name="operation"/> sits inside a <c>nameof(...)</c>.</summary>
    public static bool IsInsideNameOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The operation trees of a source method's bodies (partial methods, accessors and local
    /// functions included), for interprocedural summaries.
    /// </summary>
    public static IEnumerable<IOperation> BodiesOf(IMethodSymbol method, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        // A partial method's body is in its implementation part.
        foreach (var reference in (method.PartialImplementationPart ?? method).DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax(cancellationToken) switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax getter => getter, // the getter of 'int P => …;'
                _ => null,
            };
#pragma warning disable RS1030 // Interprocedural: the callee's body may live in another file than the one analyzed.
            // A method of a referenced project whose sources the host also has (an IDE's project reference) is not ours to read.
            if (body is not null && compilation.ContainsSyntaxTree(body.SyntaxTree) && compilation.GetSemanticModel(body.SyntaxTree).GetOperation(body, cancellationToken) is { } operation)
#pragma warning restore RS1030
            {
                yield return operation;
            }
        }
    }

    /// <summary>A location as people read it in a message: <c>File.cs:42</c>.</summary>
    public static string Place(Location location)
    {
        var span = location.GetLineSpan();
        return $"{System.IO.Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1}";
    }

    /// <summary>Every operation of a control-flow graph block, in order, branch value last.</summary>
    public static IEnumerable<IOperation> TopLevelOperations(BasicBlock block) =>
        block.BranchValue is null ? block.Operations : block.Operations.Append(block.BranchValue);

    /// <summary>Whether a statement (or the last statement of a block) leaves the code after it: a <c>return</c>, <c>break</c>, <c>continue</c>, <c>goto</c> or <c>throw</c>.</summary>
    public static bool LeavesBlock(IOperation statement) => statement switch
    {
        IBlockOperation block => block.Operations.Length > 0 && LeavesBlock(block.Operations[block.Operations.Length - 1]),
        IReturnOperation or IBranchOperation or IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        _ => false,
    };
}
