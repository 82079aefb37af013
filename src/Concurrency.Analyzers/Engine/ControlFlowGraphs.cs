using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>Control-flow graphs of member bodies and of the lambdas and local functions inside them.</summary>
internal static class ControlFlowGraphs
{
    /// <summary>The control-flow graph of a member's operation tree, or null for a root that has none.</summary>
    public static ControlFlowGraph? Create(IOperation root, CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IBlockOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IFieldInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IPropertyInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IParameterInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        _ => null,
    };

    /// <summary>The graph of the function <paramref name="operation"/> belongs to: its lambda or local function, or its member.</summary>
    public static ControlFlowGraph? OfEnclosingFunction(IOperation operation, CancellationToken cancellationToken)
    {
        var function = OperationHelpers.EnclosingFunction(operation);
        var rootGraph = Create(OperationHelpers.Root(operation), cancellationToken);
        return function is null || rootGraph is null ? rootGraph : FindNested(rootGraph, function.Syntax, cancellationToken);
    }

    /// <summary>The graph of the lambda or local function written at <paramref name="functionSyntax"/>, found inside <paramref name="graph"/>.</summary>
    public static ControlFlowGraph? FindNested(ControlFlowGraph graph, SyntaxNode functionSyntax, CancellationToken cancellationToken)
    {
        foreach (var localFunction in graph.LocalFunctions)
        {
            var nested = graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken);
            if (nested.OriginalOperation.Syntax == functionSyntax)
            {
                return nested;
            }

            if (nested.OriginalOperation.Syntax.Span.Contains(functionSyntax.Span) && FindNested(nested, functionSyntax, cancellationToken) is { } deeper)
            {
                return deeper;
            }
        }

        foreach (var block in graph.Blocks)
        {
            foreach (var flowFunction in OperationHelpers.TopLevelOperations(block)
                .SelectMany(o => o.DescendantsAndSelf())
                .OfType<IFlowAnonymousFunctionOperation>())
            {
                if (!flowFunction.Syntax.Span.Contains(functionSyntax.Span))
                {
                    continue;
                }

                var nested = graph.GetAnonymousFunctionControlFlowGraph(flowFunction, cancellationToken);
                return flowFunction.Syntax == functionSyntax ? nested : FindNested(nested, functionSyntax, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>
    /// Where the operation of kind <paramref name="kind"/> written at <paramref name="syntax"/> sits
    /// in <paramref name="graph"/>: its block, the index of the top-level operation that contains it
    /// (the block's branch value counts as the last one), and the graph's copy of the operation.
    /// </summary>
    public static (BasicBlock Block, int Index, IOperation Operation)? Locate(ControlFlowGraph graph, SyntaxNode syntax, OperationKind kind)
    {
        foreach (var block in graph.Blocks)
        {
            var index = 0;
            foreach (var topLevel in OperationHelpers.TopLevelOperations(block))
            {
                var found = topLevel.DescendantsAndSelf().FirstOrDefault(o => o.Kind == kind && o.Syntax == syntax);
                if (found is not null)
                {
                    return (block, index, found);
                }

                index++;
            }
        }

        return null;
    }

    /// <summary>The flow captures of <paramref name="local"/> in <paramref name="graph"/>: <c>t?.Join()</c>, a <c>using</c>'s <c>Dispose</c>, reach the local through one.</summary>
    public static HashSet<CaptureId> CapturesOf(ControlFlowGraph graph, ILocalSymbol local)
    {
        var captures = new HashSet<CaptureId>();
        foreach (var block in graph.Blocks)
        {
            foreach (var capture in OperationHelpers.TopLevelOperations(block).SelectMany(o => o.DescendantsAndSelf()).OfType<IFlowCaptureOperation>())
            {
                if (OperationHelpers.WalkDownConversion(capture.Value) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    captures.Add(capture.Id);
                }
            }
        }

        return captures;
    }
}
