using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.SharedState;

/// <summary>
/// CONC301's atomic fix: a counter's statement becomes one <c>Interlocked</c> call —
/// <c>x++;</c> → <c>Interlocked.Increment(ref x);</c>, <c>x -= n;</c> → <c>Interlocked.Add(ref x, -n);</c>,
/// <c>x = v;</c> → <c>Interlocked.Exchange(ref x, v);</c>. (The lock fix is CONC305's fixer's.)
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsynchronizedWriteCodeFixProvider)), Shared]
public sealed class UnsynchronizedWriteCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedWrite);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Site(root, diagnostic) is { } site)
            {
                Register(context, diagnostic, string.Format(System.Globalization.CultureInfo.InvariantCulture, CodeFixResources.Get("CONC301_Fix_Interlocked"), Method(site.Kind)), RuleIds.UnsynchronizedWrite);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        foreach (var (statement, kind) in diagnostics.Select(d => Site(root, d)).OfType<(ExpressionStatementSyntax, UnsynchronizedWriteFixKind)>().Distinct())
        {
            if (Rewrite(statement.Expression, kind) is { } call)
            {
                editor.ReplaceNode(statement.Expression, call.WithTriviaFrom(statement.Expression));
            }
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static string Method(UnsynchronizedWriteFixKind kind) => kind switch
    {
        UnsynchronizedWriteFixKind.Increment => "Increment",
        UnsynchronizedWriteFixKind.Decrement => "Decrement",
        UnsynchronizedWriteFixKind.Add => "Add",
        _ => "Exchange",
    };

    // The Interlocked call the statement's expression becomes.
    private static ExpressionSyntax? Rewrite(ExpressionSyntax expression, UnsynchronizedWriteFixKind kind)
    {
        var (target, value) = expression switch
        {
            PostfixUnaryExpressionSyntax postfix => (postfix.Operand, (ExpressionSyntax?)null),
            PrefixUnaryExpressionSyntax prefix => (prefix.Operand, null),
            AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SubtractAssignmentExpression) => (assignment.Left, PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, Parenthesized(assignment.Right))),
            AssignmentExpressionSyntax assignment => (assignment.Left, assignment.Right.WithoutTrivia()),
            _ => (null, null),
        };
        if (target is null)
        {
            return null;
        }

        var arguments = new List<ArgumentSyntax> { Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)) };
        if (kind is UnsynchronizedWriteFixKind.Add or UnsynchronizedWriteFixKind.Exchange)
        {
            if (value is null)
            {
                return null;
            }

            arguments.Add(Argument(value));
        }

        return InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseExpression("global::" + KnownTypes.Bcl.Interlocked).WithAdditionalAnnotations(Simplifier.Annotation), IdentifierName(Method(kind))),
            ArgumentList(SeparatedList(arguments)));
    }

    // -(x) only where x is not a simple name or literal.
    private static ExpressionSyntax Parenthesized(ExpressionSyntax value) =>
        value.WithoutTrivia() is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
            ? value.WithoutTrivia()
            : ParenthesizedExpression(value.WithoutTrivia());

    private static (ExpressionStatementSyntax Statement, UnsynchronizedWriteFixKind Kind)? Site(SyntaxNode root, Diagnostic diagnostic) =>
        UnsynchronizedWriteFix.TryRead(diagnostic, out var fix) && fix.Kind != UnsynchronizedWriteFixKind.None
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is { } statement
            ? (statement, fix.Kind)
            : null;
}
