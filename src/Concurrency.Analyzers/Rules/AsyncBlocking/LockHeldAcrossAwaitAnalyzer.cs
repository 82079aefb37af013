using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC404: a lock acquired in async code with an <c>await</c> reachable before its release. The
/// continuation after the await may run on another thread, which then releases a lock it does not
/// own (Monitor, ReaderWriterLockSlim, Mutex, SpinLock and the runtime's locks are thread-affine),
/// and every other thread waits on the lock for the whole asynchronous operation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockHeldAcrossAwaitAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> AcquireNames = LockApi.BlockingAcquisitionNames;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.LockHeldAcrossAwait);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var locks = LockSymbols.For(start.Compilation);
            var cancellationToken = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.CancellationToken);
            var index = LockSyntaxIndex.For(start.Compilation);
            start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
            {
                // Only code with a call named like an acquisition can hold a lock across an await: the
                // others (nearly all) register nothing, so their calls are not looked at one by one.
                if (!index.MayTakeLocks(block.CodeBlock, block.CancellationToken))
                {
                    return;
                }

                var acquisitions = new List<(IInvocationOperation Invocation, string Key)>();
                block.RegisterSyntaxNodeAction(
                    node =>
                    {
                        var call = (InvocationExpressionSyntax)node.Node;
                        var name = call.Expression switch
                        {
                            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                            _ => null,
                        };
                        if (name is not null && AcquireNames.Contains(name) && AsyncCode.IsInAsyncFunctionSyntax(call)
                            && node.SemanticModel.GetOperation(call, node.CancellationToken) is IInvocationOperation invocation
                            && AsyncCode.IsInAsyncCode(invocation, block.OwningSymbol)
                            && locks.Acquires(invocation) is { } key)
                        {
                            lock (acquisitions)
                            {
                                acquisitions.Add((invocation, key));
                            }
                        }
                    },
                    SyntaxKind.InvocationExpression);
                block.RegisterCodeBlockEndAction(end =>
                {
                    if (acquisitions.Count > 0)
                    {
                        Report(end, acquisitions, locks, cancellationToken);
                    }
                });
            });
        });
    }

    private static void Report(CodeBlockAnalysisContext context, List<(IInvocationOperation Invocation, string Key)> acquisitions, LockSymbols locks, INamedTypeSymbol? cancellationToken)
    {
        var graphs = new Dictionary<IOperation, ControlFlowGraph?>();
        foreach (var (invocation, key) in acquisitions)
        {
            var root = OperationHelpers.Root(invocation);
            if (!graphs.TryGetValue(root, out var rootGraph))
            {
                rootGraph = ControlFlowGraphs.Create(root, context.CancellationToken);
                graphs[root] = rootGraph;
            }

            // A lock taken on the synchronous side of a dual path is not held across the awaits of the async side.
            var dualPath = DualPath.At(invocation, context.OwningSymbol);
            Func<IOperation, bool>? otherSide = dualPath?.BranchOf(invocation.Syntax) is DualPathBranch.Synchronous or DualPathBranch.Either
                ? awaitOperation => dualPath.BranchOf(awaitOperation.Syntax) is DualPathBranch.Asynchronous or DualPathBranch.Either
                : null;

            var function = OperationHelpers.EnclosingFunction(invocation);
            var graph = function is null || rootGraph is null ? rootGraph : ControlFlowGraphs.FindNested(rootGraph, function.Syntax, context.CancellationToken);
            if (graph is null || ControlFlowGraphs.Locate(graph, invocation.Syntax, OperationKind.Invocation) is not { } start
                || FirstAwaitBeforeRelease(graph, start.Block, start.Index, start.Operation, key, locks, otherSide, context.CancellationToken) is not { } awaitOperation)
            {
                continue;
            }

            var fix = ChooseFix(invocation, locks);
            var token = fix == LockHeldAcrossAwaitFixKind.WaitAsync ? AsyncCode.TokenInScope(invocation, context.OwningSymbol, cancellationToken) : null;

            var line = awaitOperation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            context.ReportDiagnostic(Diagnostic.Create(
                RuleDescriptors.LockHeldAcrossAwait,
                invocation.Syntax.GetLocation(),
                new[] { awaitOperation.Syntax.GetLocation() },
                new LockHeldAcrossAwaitFix(fix, token).ToProperties(),
                invocation.Syntax.ToString(),
                line));
        }
    }

    private static LockHeldAcrossAwaitFixKind ChooseFix(IInvocationOperation invocation, LockSymbols locks)
    {
        if (!AsyncCode.CanAwaitAt(invocation) || invocation.Parent is not IExpressionStatementOperation)
        {
            return LockHeldAcrossAwaitFixKind.None;
        }

        if (TaskSymbols.Is(invocation.TargetMethod.ContainingType, locks.SemaphoreSlim) && invocation.Arguments.IsEmpty)
        {
            return LockHeldAcrossAwaitFixKind.WaitAsync;
        }

        return TaskSymbols.Is(invocation.TargetMethod.ContainingType, locks.Monitor)
            && invocation.TargetMethod.Name == "Enter"
            && invocation.Arguments.Length == 1
            && OperationHelpers.WalkDownConversion(invocation.Arguments[0].Value) is IFieldReferenceOperation { Field: { DeclaredAccessibility: Accessibility.Private, Type.SpecialType: SpecialType.System_Object } }
                ? LockHeldAcrossAwaitFixKind.SemaphoreSlim
                : LockHeldAcrossAwaitFixKind.None;
    }

    /// <summary>
    /// Searches forward from the acquisition for an <c>await</c> reached before a release of the same
    /// lock, along every path. A path ends at a release, also one in a <c>finally</c> the path leaves
    /// through. After a <c>TryEnter</c> that decides a branch, only the branch where it succeeded holds the lock.
    /// Awaits <paramref name="ignored"/> says cannot run while it is held are passed over.
    /// </summary>
    private static IOperation? FirstAwaitBeforeRelease(ControlFlowGraph graph, BasicBlock startBlock, int startIndex, IOperation acquisition, string key, LockSymbols locks, Func<IOperation, bool>? ignored, System.Threading.CancellationToken cancellationToken)
    {
        var visited = new HashSet<int>();
        var work = new Stack<BasicBlock>();
        var operations = OperationHelpers.TopLevelOperations(startBlock).ToList();
        var acquiredInBranch = startIndex == operations.Count - 1 && startBlock.BranchValue is not null;

        // The rest of the acquisition's own top-level operation and block.
        var firstAwait = ScanOperations(operations.Skip(startIndex + 1), key, locks, ignored, out var released);
        if (firstAwait is not null || released)
        {
            return firstAwait;
        }

        foreach (var branch in Successors(startBlock, acquiredInBranch ? acquisition : null))
        {
            if (!ReleasedInFinally(graph, branch, key, locks) && branch.Destination is { } destination)
            {
                work.Push(destination);
            }
        }

        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = work.Pop();
            if (!visited.Add(block.Ordinal))
            {
                continue;
            }

            firstAwait = ScanOperations(OperationHelpers.TopLevelOperations(block), key, locks, ignored, out released);
            if (firstAwait is not null)
            {
                return firstAwait;
            }

            if (released)
            {
                continue;
            }

            foreach (var branch in Successors(block, null))
            {
                if (!ReleasedInFinally(graph, branch, key, locks) && branch.Destination is { } destination)
                {
                    work.Push(destination);
                }
            }
        }

        return null;
    }

    private static IOperation? ScanOperations(IEnumerable<IOperation> operations, string key, LockSymbols locks, Func<IOperation, bool>? ignored, out bool released)
    {
        foreach (var operation in operations)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation call && locks.Releases(call, key))
                {
                    released = true;
                    return null;
                }

                if (descendant is IAwaitOperation && ignored?.Invoke(descendant) != true)
                {
                    released = false;
                    return descendant;
                }
            }
        }

        released = false;
        return null;
    }

    // The successors of a block; after 'if (TryEnter(...))', only the edge where it returned true.
    private static IEnumerable<ControlFlowBranch> Successors(BasicBlock block, IOperation? tryAcquisition)
    {
        var conditional = block.ConditionalSuccessor;
        var fallThrough = block.FallThroughSuccessor;
        if (tryAcquisition is not null && block.BranchValue is { } value && conditional is not null && block.ConditionKind != ControlFlowConditionKind.None)
        {
            var (operand, negated) = value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not ? (not.Operand, true) : (value, false);
            if (OperationHelpers.WalkDownConversion(operand) == tryAcquisition || operand.Syntax == tryAcquisition.Syntax)
            {
                var trueWhenConditional = (block.ConditionKind == ControlFlowConditionKind.WhenTrue) != negated;
                return trueWhenConditional ? new[] { conditional } : fallThrough is null ? Array.Empty<ControlFlowBranch>() : new[] { fallThrough };
            }
        }

        return new[] { conditional, fallThrough }.Where(b => b is not null)!;
    }

    // A branch that leaves a try block runs its finally regions first; a release there ends the path.
    private static bool ReleasedInFinally(ControlFlowGraph graph, ControlFlowBranch branch, string key, LockSymbols locks) =>
        branch.FinallyRegions.Any(region => Enumerable.Range(region.FirstBlockOrdinal, region.LastBlockOrdinal - region.FirstBlockOrdinal + 1)
            .SelectMany(ordinal => OperationHelpers.TopLevelOperations(graph.Blocks[ordinal]))
            .SelectMany(o => o.DescendantsAndSelf())
            .OfType<IInvocationOperation>()
            .Any(call => locks.Releases(call, key)));
}
