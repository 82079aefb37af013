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

            // Syntax first: only a member access or call named like a blocking wait, inside a function
            // declared async, costs a semantic look-up; only a member with a candidate builds a
            // control-flow graph, once.
            start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
            {
                var candidates = new List<BlockingWait>();
                block.RegisterSyntaxNodeAction(
                    node =>
                    {
                        if (CandidateOperation(node.Node, node.SemanticModel, node.CancellationToken) is { } operation
                            && BlockingWait.Classify(operation, symbols) is { } wait
                            && IsInAsyncCode(wait.Operation, block.OwningSymbol)
                            && !OperationHelpers.IsInsideNameOf(wait.Operation)
                            && !IsTriviallyComplete(wait, symbols))
                        {
                            lock (candidates)
                            {
                                candidates.Add(wait);
                            }
                        }
                    },
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxKind.MemberBindingExpression,
                    SyntaxKind.InvocationExpression);

                block.RegisterCodeBlockEndAction(end =>
                {
                    if (candidates.Count > 0)
                    {
                        ReportUnlessComplete(end, candidates, symbols);
                    }
                });
            });
        });
    }

    /// <summary>
    /// The operation of a node whose name is one of the blocking members, else null: <c>x.Result</c>
    /// (the property reference), <c>x.Wait(...)</c>, <c>x.GetResult()</c>, <c>Task.WaitAll/WaitAny(...)</c>
    /// (the invocation), also after <c>?.</c> and through <c>using static</c>.
    /// </summary>
    private static IOperation? CandidateOperation(SyntaxNode node, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        string name;
        SyntaxNode target;
        switch (node)
        {
            case MemberAccessExpressionSyntax access:
                name = access.Name.Identifier.ValueText;
                target = name == "Result" ? access : access.Parent is InvocationExpressionSyntax call && call.Expression == access ? call : access;
                break;
            case MemberBindingExpressionSyntax binding:
                name = binding.Name.Identifier.ValueText;
                target = name == "Result" ? binding : binding.Parent is InvocationExpressionSyntax boundCall && boundCall.Expression == binding ? boundCall : binding;
                break;
            case InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier } invocation:
                name = identifier.Identifier.ValueText;
                target = invocation;
                break;
            default:
                return null;
        }

        var isCandidateName = name switch
        {
            "Result" => true,
            "Wait" or "GetResult" or "WaitAll" or "WaitAny" => target is InvocationExpressionSyntax,
            _ => false,
        };

        return isCandidateName && IsInAsyncFunctionSyntax(target) ? model.GetOperation(target, cancellationToken) : null;
    }

    /// <summary>
    /// The syntactic pre-check of <see cref="IsInAsyncCode"/>: the nearest enclosing function is
    /// declared <c>async</c> (top-level statements are decided semantically). Blocking calls in
    /// synchronous code, the common case, then cost no semantic look-up at all.
    /// </summary>
    private static bool IsInAsyncFunctionSyntax(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax function:
                    return function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax localFunction:
                    return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case GlobalStatementSyntax:
                    return true;
                case MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static void ReportUnlessComplete(CodeBlockAnalysisContext context, List<BlockingWait> candidates, TaskSymbols symbols)
    {
        var graphs = new Dictionary<IOperation, ControlFlowGraph?>();
        var analyses = new Dictionary<SyntaxNode, TaskCompletionAnalysis?>();
        foreach (var wait in candidates)
        {
            var function = OperationHelpers.EnclosingFunction(wait.Operation);
            var functionSyntax = function?.Syntax ?? context.CodeBlock;
            if (!analyses.TryGetValue(functionSyntax, out var analysis))
            {
                analysis = null;
                var root = OperationHelpers.Root(wait.Operation);
                if (!graphs.TryGetValue(root, out var rootGraph))
                {
                    rootGraph = CreateGraph(root, context.CancellationToken);
                    graphs[root] = rootGraph;
                }

                var graph = function is null || rootGraph is null ? rootGraph : FindNested(rootGraph, function.Syntax, context.CancellationToken);
                if (graph is not null)
                {
                    analysis = TaskCompletionAnalysis.Run(graph, symbols, context.CancellationToken);
                }

                analyses[functionSyntax] = analysis;
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

    /// <summary>The control-flow graph of a member's operation tree, or null for a root that has none.</summary>
    private static ControlFlowGraph? CreateGraph(IOperation root, System.Threading.CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IBlockOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IFieldInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IPropertyInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IParameterInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        _ => null,
    };

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
