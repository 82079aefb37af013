using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>
/// What the serial-loop rules — CONC202 (a worker started and joined in one iteration) and CONC205
/// (work submitted and waited for in one iteration) — ask about the loop around a wait: which loop it
/// is, whether the iteration may leave after the wait (a retry loop), whether lambdas of the body share
/// a variable the loop changes (then running the iterations together changes what they see), and
/// whether the body goes on to use a local after the wait.
/// </summary>
internal static class LoopIterations
{
    /// <summary>The cheap pre-check: a loop statement encloses <paramref name="node"/> inside the same function.</summary>
    public static bool IsInLoopSyntax(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The nearest loop around <paramref name="operation"/> in its own function, or null.</summary>
    public static ILoopOperation? InnermostLoop(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation loop:
                    return loop;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="inner"/> is written inside <paramref name="outer"/>.</summary>
    public static bool Contains(IOperation? outer, IOperation inner) => outer is not null && outer.Syntax.Span.Contains(inner.Syntax.Span);

    /// <summary>
    /// A retry loop: after <paramref name="wait"/>, the iteration may leave the loop (break, return), so the
    /// next attempt only starts when this one did not do.
    /// </summary>
    public static bool LeavesAfter(ILoopOperation loop, IOperation wait) =>
        loop.Body.Descendants().Any(operation =>
            operation.Syntax.Span.End >= wait.Syntax.Span.End
            && operation switch
            {
                IBranchOperation { BranchKind: BranchKind.Break } branch => SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel),
                IReturnOperation => OperationHelpers.EnclosingFunction(operation) == OperationHelpers.EnclosingFunction(wait),
                _ => false,
            });

    /// <summary>Whether the body of <paramref name="loop"/> reads <paramref name="local"/> again after <paramref name="wait"/>.</summary>
    public static bool UsedAfter(ILoopOperation loop, IOperation wait, ILocalSymbol local) =>
        loop.Body.Descendants().OfType<ILocalReferenceOperation>().Any(
            reference => reference.Syntax.SpanStart >= wait.Syntax.Span.End && SymbolEqualityComparer.Default.Equals(reference.Local, local));

    /// <summary>
    /// Waited for in the iteration, a lambda that reads a variable the loop changes (a <c>for</c> counter,
    /// a local declared before the loop) saw the value of its own iteration; run together, they would all
    /// see the last one. Variables declared in the body, and a <c>foreach</c>'s, are fresh per iteration.
    /// A non-static local function called or referenced in the body counts as sharing (what it captures
    /// is not visible here).
    /// </summary>
    public static bool SharesChangingVariables(SemanticModel model, ILoopOperation loop, CancellationToken cancellationToken)
    {
        if (loop.Body.Descendants().OfType<IMethodReferenceOperation>().Any(r => r.Method.MethodKind == MethodKind.LocalFunction && !r.Method.IsStatic)
            || loop.Body.Descendants().OfType<IInvocationOperation>().Any(c => c.TargetMethod.MethodKind == MethodKind.LocalFunction && !c.TargetMethod.IsStatic))
        {
            return true;
        }

        if (!loop.Body.Descendants().Any(o => o is IAnonymousFunctionOperation))
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var flow = model.AnalyzeDataFlow(loop.Syntax);
        if (flow is null || !flow.Succeeded)
        {
            return true;
        }

        var iterationVariables = loop is IForEachLoopOperation forEach ? forEach.Locals : ImmutableArray<ILocalSymbol>.Empty;
        var body = loop.Body.Syntax.Span;
        return flow.CapturedInside.Intersect(flow.WrittenInside, SymbolEqualityComparer.Default).Any(symbol =>
            !iterationVariables.Contains(symbol as ILocalSymbol, SymbolEqualityComparer.Default)
            && !symbol.DeclaringSyntaxReferences.Any(reference => body.Contains(reference.Span)));
    }

    /// <summary>The statement that is the loop itself or its global statement, when it is one of a block or of top-level statements (where a fix can put statements before and after it).</summary>
    public static bool IsStatementOfABlock(ILoopOperation loop) => loop.Syntax.Parent is BlockSyntax or GlobalStatementSyntax;

    /// <summary>Whether <paramref name="statement"/> is a statement of the body of <paramref name="loop"/> itself (not nested deeper).</summary>
    public static bool IsBodyStatement(ILoopOperation loop, SyntaxNode statement) =>
        statement == loop.Body.Syntax || statement.Parent is BlockSyntax block && block == loop.Body.Syntax;
}
