using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Locks;

/// <summary>
/// CONC105's fix for a wait that is the only statement of an <c>if</c>: the runtime's
/// <c>if (!ready) condition.Wait();</c> becomes <c>condition.WaitFor(() =&gt; ready);</c>; otherwise
/// the <c>if</c> becomes a <c>while</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConditionWaitOutsideLoopCodeFixProvider)), Shared]
public sealed class ConditionWaitOutsideLoopCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ConditionWaitOutsideLoop);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || Target(root, diagnostic) is not { } target)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC105_Fix_" + target.Fix), RuleIds.ConditionWaitOutsideLoop);
        }
    }

    private static (IfStatementSyntax If, InvocationExpressionSyntax Wait, ConditionWaitOutsideLoopFixKind Fix)? Target(SyntaxNode root, Diagnostic diagnostic) =>
        ConditionWaitOutsideLoopFix.TryRead(diagnostic, out var fix) && fix.Kind is ConditionWaitOutsideLoopFixKind.While or ConditionWaitOutsideLoopFixKind.WaitFor
        && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax wait
        && wait.FirstAncestorOrSelf<IfStatementSyntax>() is { Else: null } ifStatement
            ? (ifStatement, wait, fix.Kind)
            : null;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        foreach (var diagnostic in diagnostics)
        {
            if (Target(root, diagnostic) is not var (ifStatement, wait, fix))
            {
                continue;
            }

            if (fix == ConditionWaitOutsideLoopFixKind.WaitFor && wait.Expression is MemberAccessExpressionSyntax access)
            {
                // Wait while C holds == wait for !C.
                var predicate = ParenthesizedLambdaExpression(Negate(ifStatement.Condition.WithoutTrivia()));
                var waitFor = InvocationExpression(
                    access.WithName(IdentifierName("WaitFor")),
                    ArgumentList(SingletonSeparatedList(Argument(predicate))));
                editor.ReplaceNode(ifStatement, ExpressionStatement(waitFor).WithTriviaFrom(ifStatement));
            }
            else
            {
                editor.ReplaceNode(ifStatement, WhileStatement(
                    ifStatement.AttributeLists,
                    Token(SyntaxKind.WhileKeyword).WithTriviaFrom(ifStatement.IfKeyword),
                    ifStatement.OpenParenToken,
                    ifStatement.Condition,
                    ifStatement.CloseParenToken,
                    ifStatement.Statement));
            }
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static ExpressionSyntax Negate(ExpressionSyntax condition) => condition switch
    {
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => Unparenthesize(not.Operand),
        IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax or ElementAccessExpressionSyntax
            => PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, condition),
        _ => PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, ParenthesizedExpression(condition)),
    };

    private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression) =>
        expression is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : expression;
}
