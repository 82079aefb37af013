using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Code that runs only when something has gone wrong: inside a <c>catch</c> block or exception
/// filter, in the operand of a <c>throw</c>, or in statements that can only go on to a <c>throw</c>
/// (or a call of a throw helper) — the block ends in one and nothing in between returns, breaks or
/// jumps out. Read from the operation's parents, without a control-flow graph: cheap enough to ask
/// for every call, and conservative (any jump out of the block, even one that would throw later,
/// makes the code ordinary again).
/// </summary>
internal static class ExceptionPaths
{
    /// <summary>Whether <paramref name="operation"/> runs only on the way to, or while handling, an exception.</summary>
    public static bool IsExceptionOnly(IOperation operation)
    {
        var current = operation;
        for (var parent = operation.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IThrowOperation:
                    return true;
                case ICatchClauseOperation catchClause when current == catchClause.Handler || current == catchClause.Filter:
                    return true;
                case IBlockOperation block when GoesOnToThrow(block.Operations, current):
                    return true;
                case ISwitchCaseOperation section when GoesOnToThrow(section.Body, current):
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether calling <paramref name="method"/> always throws: marked <c>[DoesNotReturn]</c>, or a
    /// source method whose body is <c>=&gt; throw …</c> or ends in a <c>throw</c> with no <c>return</c>.
    /// </summary>
    public static bool IsThrowHelper(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (method.GetAttributes().Any(a => a.AttributeClass?.Name == "DoesNotReturnAttribute"))
        {
            return true;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var (body, expression) = reference.GetSyntax() switch
            {
                MethodDeclarationSyntax m => (m.Body, m.ExpressionBody?.Expression),
                LocalFunctionStatementSyntax l => (l.Body, l.ExpressionBody?.Expression),
                _ => (null, null),
            };
            if (expression is ThrowExpressionSyntax
                || (body is { Statements.Count: > 0 } && body.Statements[body.Statements.Count - 1] is ThrowStatementSyntax
                    && !body.DescendantNodes().OfType<ReturnStatementSyntax>().Any()))
            {
                return true;
            }
        }

        return false;
    }

    // The statements from 'current' on end in a throw, and none of them leaves the list another way.
    private static bool GoesOnToThrow(ImmutableArray<IOperation> statements, IOperation current)
    {
        if (statements.IsEmpty || !Throws(statements[statements.Length - 1]))
        {
            return false; // the common case, decided without looking further
        }

        var index = statements.IndexOf(current);
        if (index < 0)
        {
            return false;
        }

        for (var i = index; i < statements.Length - 1; i++)
        {
            if (statements[i].DescendantsAndSelf().Any(o => o is IReturnOperation or IBranchOperation))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Throws(IOperation statement) => statement switch
    {
        IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IExpressionStatementOperation { Operation: IInvocationOperation call } => IsThrowHelper(call.TargetMethod),
        _ => false,
    };
}
