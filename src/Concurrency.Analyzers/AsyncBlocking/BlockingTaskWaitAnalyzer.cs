using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.AsyncBlocking;

/// <summary>
/// CONC401: a blocking wait on a task (<c>.Result</c>, <c>.Wait(...)</c>,
/// <c>GetAwaiter().GetResult()</c>, <c>Task.WaitAll</c>, <c>Task.WaitAny</c>) in an async method,
/// lambda, anonymous method or local function, unless the task is certainly complete there.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingTaskWaitAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property that carries the <see cref="BlockingWaitFix"/> to apply.</summary>
    public const string FixProperty = "Fix";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.BlockingTaskWait);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (TaskSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                // Candidates of one member; the flow analysis runs once per member, and only if needed.
                var candidates = new List<BlockingWait>();
                block.RegisterOperationAction(
                    operation =>
                    {
                        if (BlockingWait.Classify(operation.Operation, symbols) is { } wait
                            && IsInAsyncCode(wait.Operation, operation.ContainingSymbol)
                            && !OperationHelpers.IsInsideNameOf(wait.Operation)
                            && !IsTriviallyComplete(wait, symbols))
                        {
                            lock (candidates)
                            {
                                candidates.Add(wait);
                            }
                        }
                    },
                    OperationKind.PropertyReference,
                    OperationKind.Invocation);

                block.RegisterOperationBlockEndAction(end =>
                {
                    if (candidates.Count > 0)
                    {
                        ReportUnlessComplete(end, candidates, symbols);
                    }
                });
            });
        });
    }

    private static void ReportUnlessComplete(OperationBlockAnalysisContext context, List<BlockingWait> candidates, TaskSymbols symbols)
    {
        var analyses = new Dictionary<IOperation, TaskCompletionAnalysis?>();
        foreach (var wait in candidates)
        {
            var root = OperationBlockOf(context, wait.Operation);
            var function = OperationHelpers.EnclosingFunction(wait.Operation);
            var key = function ?? root;
            if (!analyses.TryGetValue(key, out var analysis))
            {
                analysis = FunctionGraph(context, root, function) is { } graph
                    ? TaskCompletionAnalysis.Run(graph, symbols, context.CancellationToken)
                    : null;
                analyses[key] = analysis;
            }

            if (analysis is not null && analysis.IsCertainlyComplete(wait.Operation.Syntax, wait.Operation.Kind, wait.Kind))
            {
                continue;
            }

            var fix = wait.Fix != BlockingWaitFix.None && CanAwaitAt(wait.Operation) ? wait.Fix : BlockingWaitFix.None;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, fix.ToString());
            context.ReportDiagnostic(Diagnostic.Create(
                RuleDescriptors.BlockingTaskWait,
                wait.Operation.Syntax.GetLocation(),
                properties,
                wait.MemberText,
                wait.AlternativeText));
        }
    }

    /// <summary>The operation block of the member, as the analysis context knows it, that contains <paramref name="operation"/>.</summary>
    private static IOperation OperationBlockOf(OperationBlockAnalysisContext context, IOperation operation)
    {
        var root = OperationHelpers.Root(operation);
        return context.OperationBlocks.FirstOrDefault(b => b == root)
            ?? context.OperationBlocks.FirstOrDefault(b => b.Syntax.Span.Contains(operation.Syntax.Span))
            ?? root;
    }

    /// <summary>The control-flow graph of the function that contains a wait: the member's own, or a nested lambda's or local function's.</summary>
    private static ControlFlowGraph? FunctionGraph(OperationBlockAnalysisContext context, IOperation root, IOperation? function)
    {
        ControlFlowGraph graph;
        try
        {
            graph = context.GetControlFlowGraph(root);
        }
        catch (ArgumentException)
        {
            return null; // an operation block that has no control-flow graph (e.g. an attribute argument)
        }

        return function is null ? graph : FindNested(graph, function.Syntax, context.CancellationToken);
    }

    private static ControlFlowGraph? FindNested(ControlFlowGraph graph, SyntaxNode functionSyntax, System.Threading.CancellationToken cancellationToken)
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
    /// Whether the wait belongs to async code: its nearest enclosing function (lambda, anonymous
    /// method, local function, else the member) is async. A synchronous lambda or local function
    /// inside an async method is not the async method's own code.
    /// </summary>
    private static bool IsInAsyncCode(IOperation operation, ISymbol containingSymbol) => OperationHelpers.EnclosingFunction(operation) switch
    {
        IAnonymousFunctionOperation lambda => lambda.Symbol.IsAsync,
        ILocalFunctionOperation localFunction => localFunction.Symbol.IsAsync,
        _ => containingSymbol is IMethodSymbol { IsAsync: true },
    };

    /// <summary><c>Task.FromResult(1).Result</c>, <c>Task.CompletedTask.Wait()</c> and the like, without any flow analysis.</summary>
    private static bool IsTriviallyComplete(BlockingWait wait, TaskSymbols symbols)
    {
        var operands = BlockingWait.TaskOperands(wait.Operation, wait.Kind, symbols);
        return !operands.IsEmpty && operands.All(o => o switch
        {
            IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } method } => symbols.IsTaskLike(method.ContainingType),
            IPropertyReferenceOperation { Property: { IsStatic: true, Name: "CompletedTask" } property } => symbols.IsTaskLike(property.ContainingType),
            _ => false,
        });
    }

    /// <summary>
    /// Whether <c>await</c> may replace the wait: not in a <c>lock</c> body, an unsafe context or a
    /// catch filter, nor in a function with a ref struct local (C# 13 allows them in async code) that
    /// could then live across the await. Otherwise the diagnostic is reported without a fix.
    /// </summary>
    private static bool CanAwaitAt(IOperation operation)
    {
        var syntax = operation.Syntax;
        for (SyntaxNode? node = syntax, child = null; node is not null; child = node, node = node.Parent)
        {
            switch (node)
            {
                case LockStatementSyntax lockStatement when child == lockStatement.Statement:
                case UnsafeStatementSyntax:
                case CatchFilterClauseSyntax:
                    return false;
                case MemberDeclarationSyntax member when member.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                    return false;
                case LocalFunctionStatementSyntax localFunction when localFunction.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                    return false;
            }
        }

        var function = OperationHelpers.EnclosingFunction(operation) ?? OperationHelpers.Root(operation);
        return !function.Descendants().OfType<IVariableDeclaratorOperation>().Any(d => d.Symbol.Type.IsRefLikeType);
    }
}
