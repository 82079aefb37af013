using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>Writing <c>await</c> expressions the way the surrounding code would, shared by the CONC4xx fixes.</summary>
internal static class AwaitSyntax
{
    /// <summary>
    /// <c>await awaited</c> in place of <paramref name="replaced"/>: its leading and trailing trivia
    /// kept, parenthesized when the parent binds tighter than <c>await</c>.
    /// </summary>
    public static ExpressionSyntax Await(ExpressionSyntax awaited, SyntaxNode replaced, bool parenthesize)
    {
        ExpressionSyntax replacement = AwaitExpression(
            Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(Space),
            awaited.WithoutLeadingTrivia().WithoutTrailingTrivia());
        if (parenthesize)
        {
            replacement = ParenthesizedExpression(replacement);
        }

        return replacement.WithLeadingTrivia(replaced.GetLeadingTrivia()).WithTrailingTrivia(replaced.GetTrailingTrivia());
    }

    public static ExpressionSyntax AppendConfigureAwait(ExpressionSyntax task, bool configureAwait) =>
        !configureAwait || IsConfigureAwait(task)
            ? task
            : InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task.WithoutTrailingTrivia(), IdentifierName("ConfigureAwait")),
                ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))));

    public static bool IsConfigureAwait(ExpressionSyntax expression) =>
        expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } };

    /// <summary><c>await</c> binds looser than member access, indexing, invocation and postfix operators.</summary>
    public static bool NeedsParentheses(SyntaxNode node) => node.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Expression == node,
        ConditionalAccessExpressionSyntax conditional => conditional.Expression == node,
        ElementAccessExpressionSyntax element => element.Expression == node,
        InvocationExpressionSyntax invocation => invocation.Expression == node,
        PostfixUnaryExpressionSyntax => true,
        SwitchExpressionSyntax switchExpression => switchExpression.GoverningExpression == node,
        _ => false,
    };

    /// <summary>
    /// Whether the surrounding type awaits consistently with <c>ConfigureAwait(false)</c>: at least one
    /// await, and every await of the type uses it.
    /// </summary>
    public static bool UsesConfigureAwaitFalse(SyntaxNode node)
    {
        var scope = node.FirstAncestorOrSelf<TypeDeclarationSyntax>() ?? (SyntaxNode)node.SyntaxTree.GetRoot();
        var awaits = scope.DescendantNodes().OfType<AwaitExpressionSyntax>().ToList();
        return awaits.Count > 0 && awaits.All(a =>
            a.Expression is InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" },
                ArgumentList.Arguments: { Count: 1 } arguments,
            }
            && arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression));
    }
}
