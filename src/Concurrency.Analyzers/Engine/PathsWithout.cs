using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>How a path leaves a function without the operation it owes.</summary>
internal enum PathExit
{
    /// <summary>Through a <c>return</c> (<see cref="PathWithout.At"/> is the statement).</summary>
    Return,

    /// <summary>By running off the end of the function.</summary>
    End,

    /// <summary>By an exception thrown by <see cref="PathWithout.At"/>, which no <c>finally</c> on its way makes good.</summary>
    Exception,
}

/// <summary>One path on which an obligation is not met: how it leaves, and where.</summary>
internal sealed class PathWithout
{
    public PathWithout(PathExit exit, SyntaxNode? at)
    {
        Exit = exit;
        At = at;
    }

    public PathExit Exit { get; }

    /// <summary>The return statement, or the operation whose exception leaves; null at the end of the function.</summary>
    public SyntaxNode? At { get; }
}

/// <summary>
/// The obligation search shared by the lifecycle rules ("a started thread is joined", "an item taken
/// from a joinable queue is marked done"): from one operation of a control-flow graph, is there a
/// path to the function's exit — normal or by an exception — on which no operation meets the
/// obligation? Exceptions are followed from every operation that may throw: up through the enclosing
/// <c>try</c> regions, into their <c>catch</c> handlers (and on from there), through their
/// <c>finally</c> blocks, where an operation that meets the obligation makes the path good. The
/// search is a walk of the blocks, each entered once, so it costs one pass over the function.
/// </summary>
internal static class PathsWithout
{
    /// <summary>
    /// The first path found from just after the operation of kind <paramref name="kind"/> written at
    /// <paramref name="syntax"/> to the exit of <paramref name="graph"/> on which
    /// <paramref name="meets"/> holds for no top-level operation; paths that leave normally are
    /// preferred to exceptional ones. Null when every path meets the obligation (or
    /// the operation is not in the graph). <paramref name="thrower"/> gives the part of a top-level
    /// operation that may throw (null when none is worth an exceptional path).
    /// </summary>
    public static PathWithout? Find(
        ControlFlowGraph graph,
        SyntaxNode syntax,
        OperationKind kind,
        Func<IOperation, bool> meets,
        Func<IOperation, IOperation?> thrower,
        CancellationToken cancellationToken)
    {
        if (ControlFlowGraphs.Locate(graph, syntax, kind) is not { } start)
        {
            return null;
        }

        var search = new Search(graph, meets, thrower);
        return search.Run(start.Block, start.Index, start.Operation, cancellationToken);
    }

    /// <summary>
    /// <see cref="Find"/> for an obligation on the value of <paramref name="local"/> (a started thread, a
    /// created pool): an operation meets it when it reads the local — directly or through a flow capture
    /// (<c>t?.Join()</c>, a <c>using</c>'s <c>Dispose</c>) — in a way <paramref name="meets"/> accepts (given the
    /// read and the test of "reads the local"); calls on the local itself are not counted as throwing.
    /// </summary>
    public static PathWithout? FindForLocal(
        ControlFlowGraph graph,
        SyntaxNode syntax,
        OperationKind kind,
        ILocalSymbol local,
        Func<IOperation, Func<IOperation, bool>, bool> meets,
        Compilation compilation,
        CancellationToken cancellationToken)
    {
        var captures = ControlFlowGraphs.CapturesOf(graph, local);
        bool IsLocal(IOperation operation) => operation switch
        {
            ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
            IFlowCaptureReferenceOperation capture => captures.Contains(capture.Id),
            _ => false,
        };

        bool Meets(IOperation operation) => operation.DescendantsAndSelf().Any(o => IsLocal(o) && meets(o, IsLocal));

        IOperation? Thrower(IOperation operation) => ExceptionPaths.Thrower(operation, o => o is IInvocationOperation { Instance: { } instance } && IsLocal(OperationHelpers.WalkDownConversion(instance)), compilation);

        return Find(graph, syntax, kind, Meets, Thrower, cancellationToken);
    }

    private sealed class Search
    {
        private readonly ControlFlowGraph _graph;
        private readonly Func<IOperation, bool> _meets;
        private readonly Func<IOperation, IOperation?> _thrower;
        private readonly Dictionary<ControlFlowRegion, bool> _regionMeets = new();
        private readonly HashSet<int> _entered = new();
        private readonly Queue<(BasicBlock Block, int From, int Position)> _pending = new();
        private PathWithout? _exceptional;

        public Search(ControlFlowGraph graph, Func<IOperation, bool> meets, Func<IOperation, IOperation?> thrower)
        {
            _graph = graph;
            _meets = meets;
            _thrower = thrower;
        }

        public PathWithout? Run(BasicBlock first, int startIndex, IOperation from, CancellationToken cancellationToken)
        {
            // What encloses the operation in its statement runs after it: 'Handle(q.Get())' may throw in Handle.
            var awaited = true; // 'await q.GetAsync()': the await is the call's own, not what runs after it
            for (var enclosing = from.Parent; enclosing is not null; enclosing = enclosing.Parent)
            {
                awaited &= enclosing is IAwaitOperation or IConversionOperation;
                if (!awaited && enclosing is IInvocationOperation or IObjectCreationOperation or IAwaitOperation && _thrower(enclosing) is not null)
                {
                    Throw(first, enclosing);
                    break;
                }
            }

            _pending.Enqueue((first, startIndex + 1, 0));
            while (_pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (block, index, position) = _pending.Dequeue();
                if (Walk(block, index, position) is { } normal)
                {
                    return normal;
                }
            }

            return _exceptional;
        }

        // The rest of one block from 'index', then its branches. A path found that leaves normally is returned.
        private PathWithout? Walk(BasicBlock block, int index, int position)
        {
            var operations = OperationHelpers.TopLevelOperations(block).ToList();
            for (var i = index; i < operations.Count; i++)
            {
                var operation = operations[i];
                if (_meets(operation))
                {
                    return null;
                }

                if (_thrower(operation) is { } thrower)
                {
                    Throw(block, thrower);
                }

                position = Math.Max(position, operation.Syntax.Span.End);
            }

            foreach (var branch in new[] { block.ConditionalSuccessor, block.FallThroughSuccessor })
            {
                if (branch is null || branch.FinallyRegions.Any(RegionMeets))
                {
                    continue;
                }

                switch (branch.Semantics)
                {
                    case ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow:
                        Throw(block, block.BranchValue ?? operations.LastOrDefault(), branch.Semantics == ControlFlowBranchSemantics.Rethrow);
                        continue;
                    case ControlFlowBranchSemantics.ProgramTermination or ControlFlowBranchSemantics.StructuredExceptionHandling or ControlFlowBranchSemantics.Error:
                        continue;
                }

                if (branch.Destination is not { } destination)
                {
                    continue;
                }

                if (destination.Kind == BasicBlockKind.Exit)
                {
                    return Leave(block, position);
                }

                if (_entered.Add(destination.Ordinal))
                {
                    _pending.Enqueue((destination, 0, position));
                }
            }

            return null;
        }

        // A normal way out: through a 'return' when there is one right there, else off the end.
        private PathWithout Leave(BasicBlock block, int position)
        {
            if (block.BranchValue?.Syntax.FirstAncestorOrSelf<ReturnStatementSyntax>() is { } valued)
            {
                return new PathWithout(PathExit.Return, valued);
            }

            // 'return;' leaves no operation in the graph: the first one written after the path's last operation.
            var function = _graph.OriginalOperation.Syntax;
            var voidReturn = function.DescendantNodes(n => n == function || !IsFunction(n))
                .OfType<ReturnStatementSyntax>()
                .Where(r => r.Expression is null && r.SpanStart >= position)
                .OrderBy(r => r.SpanStart)
                .FirstOrDefault();
            return voidReturn is not null && !IsLastStatement(voidReturn)
                ? new PathWithout(PathExit.Return, voidReturn)
                : new PathWithout(PathExit.End, null);
        }

        private static bool IsLastStatement(ReturnStatementSyntax statement) =>
            statement.Parent is BlockSyntax { Parent: BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax } body
            && body.Statements.LastOrDefault() == statement;

        private static bool IsFunction(SyntaxNode node) =>
            node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

        // An exception thrown in 'block' by 'thrower': up through the regions around it. A handler
        // that may catch it goes on from its first block; a finally that meets the obligation ends it;
        // leaving the function records the exceptional path.
        private void Throw(BasicBlock block, IOperation? thrower, bool rethrow = false)
        {
            var region = block.EnclosingRegion;
            if (rethrow)
            {
                region = LeaveHandler(region);
            }

            while (region is not null)
            {
                switch (region.Kind)
                {
                    case ControlFlowRegionKind.Try when region.EnclosingRegion is { } tryAndX:
                        if (tryAndX.Kind == ControlFlowRegionKind.TryAndFinally)
                        {
                            if (RegionMeets(tryAndX.NestedRegions[tryAndX.NestedRegions.Length - 1]))
                            {
                                return;
                            }
                        }
                        else if (CatchAll(tryAndX))
                        {
                            return;
                        }

                        region = tryAndX.EnclosingRegion;
                        break;
                    case ControlFlowRegionKind.Catch or ControlFlowRegionKind.Filter or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Finally:
                        region = LeaveHandler(region);
                        break;
                    case ControlFlowRegionKind.Root:
                        _exceptional ??= new PathWithout(PathExit.Exception, thrower?.Syntax);
                        return;
                    default:
                        region = region.EnclosingRegion;
                        break;
                }
            }
        }

        // Out of a handler: past the try statement it belongs to.
        private static ControlFlowRegion? LeaveHandler(ControlFlowRegion? region)
        {
            while (region is not null && region.Kind is not (ControlFlowRegionKind.TryAndCatch or ControlFlowRegionKind.TryAndFinally))
            {
                region = region.EnclosingRegion;
            }

            return region?.EnclosingRegion;
        }

        // The handlers of a try/catch each get the path; true when one of them catches everything.
        private bool CatchAll(ControlFlowRegion tryAndCatch)
        {
            var all = false;
            foreach (var handler in tryAndCatch.NestedRegions.Skip(1))
            {
                if (_entered.Add(handler.FirstBlockOrdinal))
                {
                    _pending.Enqueue((_graph.Blocks[handler.FirstBlockOrdinal], 0, 0));
                }

                all |= handler.Kind == ControlFlowRegionKind.Catch
                    && (handler.ExceptionType is null or { SpecialType: SpecialType.System_Object } || handler.ExceptionType.ToDisplayString() == "System.Exception");
            }

            return all;
        }

        // A finally (or any region) with an operation that meets the obligation on some path through it.
        private bool RegionMeets(ControlFlowRegion region)
        {
            if (!_regionMeets.TryGetValue(region, out var meets))
            {
                meets = false;
                for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal && !meets; i++)
                {
                    meets = OperationHelpers.TopLevelOperations(_graph.Blocks[i]).Any(_meets);
                }

                _regionMeets[region] = meets;
            }

            return meets;
        }
    }
}
