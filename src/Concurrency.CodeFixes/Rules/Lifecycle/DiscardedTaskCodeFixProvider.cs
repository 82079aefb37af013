using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>CONC209's fix, in async code: <c>_ = WorkAsync();</c> becomes <c>await WorkAsync();</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DiscardedTaskCodeFixProvider)), Shared]
public sealed class DiscardedTaskCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.DiscardedTask);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Discard(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC209_Fix_Await"), RuleIds.DiscardedTask);
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
        foreach (var assignment in diagnostics.Select(d => Discard(root, d)).OfType<AssignmentExpressionSyntax>())
        {
            editor.ReplaceNode(assignment, AwaitExpression(assignment.Right.WithoutLeadingTrivia()).WithTriviaFrom(assignment));
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static AssignmentExpressionSyntax? Discard(SyntaxNode root, Diagnostic diagnostic) =>
        DiscardedTaskFix.TryRead(diagnostic, out var fix) && fix.Kind == DiscardedTaskFixKind.Await
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is { Expression: AssignmentExpressionSyntax assignment }
            ? assignment
            : null;
}
