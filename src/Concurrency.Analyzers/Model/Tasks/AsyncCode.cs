using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>What counts as async code, shared by the CONC4xx rules, and where an <c>await</c> may be written.</summary>
internal static class AsyncCode
{
    /// <summary>
    /// Whether an operation belongs to async code: its nearest enclosing function (lambda, anonymous
    /// method, local function, else the member) is async. A synchronous lambda or local function
    /// inside an async method is not the async method's own code.
    /// </summary>
    public static bool IsInAsyncCode(IOperation operation, ISymbol containingSymbol) => OperationHelpers.EnclosingFunction(operation) switch
    {
        IAnonymousFunctionOperation lambda => lambda.Symbol.IsAsync,
        ILocalFunctionOperation localFunction => localFunction.Symbol.IsAsync,
        _ => containingSymbol is IMethodSymbol { IsAsync: true },
    };

    /// <summary>
    /// The syntactic pre-check of <see cref="IsInAsyncCode"/>: the nearest enclosing function is
    /// declared <c>async</c> (top-level statements are decided semantically). Blocking calls in
    /// synchronous code, the common case, then cost no semantic look-up at all.
    /// </summary>
    public static bool IsInAsyncFunctionSyntax(SyntaxNode node)
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

    /// <summary>
    /// Whether an <c>await</c> may be written where <paramref name="operation"/> is: not in a <c>lock</c> body, an unsafe context or a
    /// catch filter, nor in a function with a ref struct local (C# 13 allows them in async code) that
    /// could then live across the await. Otherwise the diagnostic is reported without a fix.
    /// </summary>
    public static bool CanAwaitAt(IOperation operation)
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

    /// <summary>
    /// The name of a <c>CancellationToken</c> parameter of the enclosing functions, innermost first
    /// (lambdas and local functions, then the member); with several in one function, the one named
    /// like a cancellation token.
    /// </summary>
    public static string? TokenInScope(IOperation operation, ISymbol member, INamedTypeSymbol? cancellationToken)
    {
        if (cancellationToken is null)
        {
            return null;
        }

        for (var function = OperationHelpers.EnclosingFunction(operation); ; function = OperationHelpers.EnclosingFunction(function))
        {
            var parameters = function switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol.Parameters,
                ILocalFunctionOperation local => local.Symbol.Parameters,
                _ => (member as IMethodSymbol)?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty,
            };
            var tokens = parameters.Where(p => TaskSymbols.Is(p.Type, cancellationToken)).ToList();
            if (tokens.Count > 0)
            {
                return (tokens.FirstOrDefault(p => p.Name is "cancellationToken" or "ct" or "token") ?? tokens[0]).Name;
            }

            if (function is null)
            {
                return null;
            }
        }
    }
}
