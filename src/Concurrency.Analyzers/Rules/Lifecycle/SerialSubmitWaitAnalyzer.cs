using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC205: work submitted to a pool and waited for in the same iteration of a loop — a runtime
/// future's <c>Result()</c> / <c>GetException()</c> or <c>await</c> (<c>executor.Submit(…).Result()</c>, or a
/// future submitted earlier in the iteration), and in async code <c>await Task.Run(…)</c> (or of a task the
/// iteration started with <c>Task.Run</c>/<c>StartNew</c>). The pool runs one piece of work at a time: the
/// course's synchronous submission (topic 5.1). Reported at the wait.
/// Not reported: a retry loop that leaves after the wait (<c>break</c>, <c>return</c>); a loop whose next
/// iteration depends on the result — the result (or a local computed from it) is stored in a variable
/// declared outside the body that the loop reads (its condition, the next submission: <c>x = await
/// Task.Run(() => Step(x))</c>), other than as the target of a compound assignment (<c>total += …</c> is an
/// accumulation, not a dependency); a wait in another loop or after the loop; and synchronous waits on BCL
/// tasks (<c>Task.Run(…).Result</c>, <c>.Wait()</c>), which CONC202 reports.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SerialSubmitWaitAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SerialSubmitWait);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var workers = new IterationWorkers(start.Compilation);
            start.RegisterSyntaxNodeAction(node => AnalyzeResult(node, workers), SyntaxKind.InvocationExpression);
            start.RegisterSyntaxNodeAction(node => AnalyzeAwait(node, workers), SyntaxKind.AwaitExpression);
        });
    }

    // 'future.Result()', 'executor.Submit(…).GetException()': a runtime future, in any code.
    private static void AnalyzeResult(SyntaxNodeAnalysisContext context, IterationWorkers workers)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" or "GetException" } access
            || !LoopIterations.IsInLoopSyntax(invocation)
            || context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation { Instance: { } instance } call
            || workers.Symbols.RoleOf(call) != WorkerApi.Role.Result
            || !workers.IsFuture(instance.Type))
        {
            return;
        }

        var worker = new WaitedWorker(IterationWorkers.Peel(instance));
        var timed = call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue);
        Analyze(context, workers, call, worker, access.Name.Identifier.ValueText + "()", TextSpanFrom(access.Name.SpanStart, invocation), timed);
    }

    // 'await executor.Submit(…)', and in async code 'await Task.Run(…)' (ConfigureAwait included).
    private static void AnalyzeAwait(SyntaxNodeAnalysisContext context, IterationWorkers workers)
    {
        var awaitSyntax = (AwaitExpressionSyntax)context.Node;
        if (!LoopIterations.IsInLoopSyntax(awaitSyntax)
            || context.SemanticModel.GetOperation(awaitSyntax, context.CancellationToken) is not IAwaitOperation awaitOperation)
        {
            return;
        }

        var awaited = IterationWorkers.Peel(awaitOperation.Operation);
        if (awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } && workers.IsTask(configured.Type))
        {
            awaited = IterationWorkers.Peel(configured);
        }

        if (!workers.IsFuture(awaited.Type) && !workers.IsTask(awaited.Type))
        {
            return;
        }

        Analyze(context, workers, awaitOperation, new WaitedWorker(awaited), "await", awaitSyntax.Span, timed: false);
    }

    private static Microsoft.CodeAnalysis.Text.TextSpan TextSpanFrom(int start, SyntaxNode node) =>
        Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, node.Span.End);

    private static void Analyze(SyntaxNodeAnalysisContext context, IterationWorkers workers, IOperation wait, WaitedWorker worker, string written, Microsoft.CodeAnalysis.Text.TextSpan span, bool timed)
    {
        if (LoopIterations.InnermostLoop(wait) is not { } loop
            || !LoopIterations.Contains(loop.Body, wait)
            || !workers.IsStartedIn(loop, worker, wait, workers.Submits)
            || LoopIterations.LeavesAfter(loop, wait)
            || FeedsTheNextIteration(loop, wait, context.CancellationToken))
        {
            return;
        }

        var fix = timed ? SerialSubmitWaitFix.None : FixFor(context.SemanticModel, loop, wait, worker, workers, context.CancellationToken);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.SerialSubmitWait,
            Location.Create(wait.Syntax.SyntaxTree, span),
            additionalLocations: new[] { worker.Expression.Syntax.GetLocation() },
            properties: fix.ToProperties(),
            written));
    }

    // ---- the data dependency: does the result reach a variable the loop reads again? ----

    private static bool FeedsTheNextIteration(ILoopOperation loop, IOperation wait, CancellationToken cancellationToken)
    {
        var body = loop.Body.Syntax.Span;
        var tainted = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var outer = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var sources = new List<IOperation> { wait };

        // The wait's own value, then every value in the body computed from a variable it reached.
        for (var round = 0; round < 4 && sources.Count > 0; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = new List<IOperation>();
            foreach (var source in sources)
            {
                if (TargetOf(source, loop) is not { } target || !tainted.Add(target))
                {
                    continue;
                }

                if (target.DeclaringSyntaxReferences.Any(r => body.Contains(r.Span)))
                {
                    next.AddRange(loop.Body.Descendants().Where(o => o.Syntax.SpanStart >= source.Syntax.SpanStart && Symbol(o) is { } read && SymbolEqualityComparer.Default.Equals(read, target)));
                }
                else
                {
                    outer.Add(target);
                }
            }

            sources = next;
        }

        // An outer variable the result reached, read by the loop (its condition, the next submission…):
        // the iterations depend on each other. 'total += r' reads 'total' only to add to it.
        return outer.Count > 0 && loop.Descendants().Any(o =>
            Symbol(o) is { } read && outer.Contains(read)
            && !(o.Parent is ICompoundAssignmentOperation compound && compound.Target == o)
            && !(o.Parent is ISimpleAssignmentOperation simple && simple.Target == o));
    }

    // The variable the value of 'source' is stored in, through the expressions around it in its statement.
    private static ISymbol? TargetOf(IOperation source, ILoopOperation loop)
    {
        for (IOperation? child = source, parent = source.Parent; parent is not null && parent != loop.Body; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAssignmentOperation assignment when assignment.Value == child:
                    return Symbol(assignment.Target);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return declarator.Symbol;
                case IExpressionStatementOperation or IBlockOperation or ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    private static ISymbol? Symbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field.OriginalDefinition,
        IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property.OriginalDefinition,
        _ => null,
    };

    // ---- the fix ----

    private static SerialSubmitWaitFix FixFor(SemanticModel model, ILoopOperation loop, IOperation wait, WaitedWorker worker, IterationWorkers workers, CancellationToken cancellationToken)
    {
        var statement = wait.Syntax.FirstAncestorOrSelf<StatementSyntax>();
        if (statement is null
            || !LoopIterations.IsBodyStatement(loop, statement)
            || !LoopIterations.IsStatementOfABlock(loop)
            || worker.Type is null
            || worker.Local is { } local && LoopIterations.UsedAfter(loop, wait, local)
            || LoopIterations.SharesChangingVariables(model, loop, cancellationToken)
            || !IsWholeStatement(statement, wait))
        {
            return SerialSubmitWaitFix.None;
        }

        // The rest of the body moves to the second loop when the statement declares the result.
        if (statement is LocalDeclarationStatementSyntax && !TailMayMove(model, loop, statement, cancellationToken))
        {
            return SerialSubmitWaitFix.None;
        }

        var isTask = workers.IsTask(worker.Type);
        if (isTask && wait is not IAwaitOperation)
        {
            return SerialSubmitWaitFix.None;
        }

        var elementType = worker.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new SerialSubmitWaitFix(isTask ? SerialSubmitWaitFixKind.WhenAll : SerialSubmitWaitFixKind.WaitEach, elementType);
    }

    // 'wait;' or 'var r = wait;' (one declarator, no 'using'), the wait as the whole expression.
    private static bool IsWholeStatement(StatementSyntax statement, IOperation wait)
    {
        var waitSyntax = wait.Syntax;
        return statement switch
        {
            ExpressionStatementSyntax expression => Unparenthesized(expression.Expression) == waitSyntax,
            LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, AwaitKeyword.RawKind: 0, Declaration.Variables: { Count: 1 } variables } =>
                variables[0].Initializer is { Value: var value } && Unparenthesized(value) == waitSyntax,
            _ => false,
        };
    }

    private static SyntaxNode Unparenthesized(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    // The statements after the declaration read no local of the iteration declared before it (nor the
    // loop's own variables), and no outer variable the iteration writes before it: moved into a second
    // loop over the results, they see the same values.
    private static bool TailMayMove(SemanticModel model, ILoopOperation loop, StatementSyntax declaration, CancellationToken cancellationToken)
    {
        var block = (BlockSyntax)declaration.Parent!;
        var index = block.Statements.IndexOf(declaration);
        var before = block.Statements.Take(index).ToList();
        var tail = block.Statements.Skip(index + 1).ToList();
        if (tail.Count == 0)
        {
            return true;
        }

        var declaredResult = model.GetDeclaredSymbol(((LocalDeclarationStatementSyntax)declaration).Declaration.Variables[0], cancellationToken);
        var loopSpan = loop.Syntax.Span;
        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var statement in before)
        {
            foreach (var operation in model.GetOperation(statement, cancellationToken)?.DescendantsAndSelf() ?? Enumerable.Empty<IOperation>())
            {
                var target = operation switch
                {
                    IAssignmentOperation assignment => Symbol(assignment.Target),
                    IIncrementOrDecrementOperation increment => Symbol(increment.Target),
                    _ => null,
                };
                if (target is not null)
                {
                    written.Add(target);
                }
            }
        }

        var tailSpan = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(tail[0].SpanStart, tail[tail.Count - 1].Span.End);
        foreach (var statement in tail)
        {
            foreach (var operation in model.GetOperation(statement, cancellationToken)?.DescendantsAndSelf() ?? Enumerable.Empty<IOperation>())
            {
                if (Symbol(operation) is not { } read || SymbolEqualityComparer.Default.Equals(read, declaredResult))
                {
                    continue;
                }

                var declaredInLoop = read is ILocalSymbol && read.DeclaringSyntaxReferences.Any(r => loopSpan.Contains(r.Span) && !tailSpan.Contains(r.Span));
                if (declaredInLoop || written.Contains(read))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
