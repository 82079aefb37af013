using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>
/// The fix of a statement that owes one call on every path after it (<see cref="FinallyCallFix"/>):
/// <c>x.Open(); work; [x.Close();]</c> becomes <c>x.Open(); try { work } finally { x.Close(); }</c> — the
/// existing call of the same block moves into the <c>finally</c>, or a new one is written there —
/// so every way out of the block, an exception or an early return included, makes the call. The
/// receiver is the one the diagnostic's call is made on (<c>x</c> of <c>x.Open()</c>), as written.
/// </summary>
public abstract class FinallyCallCodeFixProvider : RewriteCodeFixProvider
{
    /// <summary>The method the obligation calls: <c>Join</c>, <c>TaskDone</c>.</summary>
    protected abstract string Method { get; }

    /// <summary>The rule's id, the fix's equivalence key.</summary>
    protected abstract string RuleId { get; }

    /// <summary>The title of the fix: the call right after the statement (<paramref name="callAfter"/>), or in a <c>finally</c>.</summary>
    protected abstract string Title(bool callAfter);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Site(root, diagnostic) is { } site)
            {
                Register(context, diagnostic, Title(site.Kind == FinallyCallFixKind.CallAfter), RuleId);
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

        // One statement at a time, the last first, each found again by its annotation in the rewritten tree.
        var sites = diagnostics.Select(d => Site(root, d)).OfType<(StatementSyntax Statement, string Receiver, FinallyCallFixKind Kind)>()
            .GroupBy(s => s.Statement).Select(g => g.First())
            .OrderByDescending(s => s.Statement.SpanStart)
            .ToList();
        var annotations = sites.ToDictionary(s => s.Statement, _ => new SyntaxAnnotation());
        root = root.ReplaceNodes(annotations.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original]));
        foreach (var (statement, receiver, kind) in sites)
        {
            if (root.GetAnnotatedNodes(annotations[statement]).OfType<StatementSyntax>().FirstOrDefault() is { Parent: BlockSyntax block } current)
            {
                root = root.ReplaceNode(block, Rewrite(block, current, receiver, kind));
            }
        }

        return document.WithSyntaxRoot(root);
    }

    private BlockSyntax Rewrite(BlockSyntax block, StatementSyntax statement, string receiver, FinallyCallFixKind kind)
    {
        var index = block.Statements.IndexOf(statement);
        var existing = FinallyCallFix.CallStatementAfter(block, index, receiver, Method);
        var call = (existing is null ? Call(receiver) : existing.WithoutTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
        if (kind == FinallyCallFixKind.CallAfter)
        {
            return block.WithStatements(block.Statements.Insert(index + 1, call));
        }

        var end = existing is null ? block.Statements.Count : block.Statements.IndexOf(existing);
        var guarded = TryStatement(Block(block.Statements.Skip(index + 1).Take(end - index - 1)), default, FinallyClause(Block(call)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        return block.WithStatements(List(block.Statements.Take(index + 1)
            .Append(guarded)
            .Concat(block.Statements.Skip(existing is null ? end : end + 1))));
    }

    private StatementSyntax Call(string receiver) =>
        ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseExpression(receiver), IdentifierName(Method))));

    // The statement of the diagnostic's call, and the call's receiver as written.
    private static (StatementSyntax Statement, string Receiver, FinallyCallFixKind Kind)? Site(SyntaxNode root, Diagnostic diagnostic) =>
        FinallyCallFix.TryRead(diagnostic, out var fix) && fix.Kind != FinallyCallFixKind.None
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Expression: MemberAccessExpressionSyntax access } invocation
            && invocation.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement
            ? (statement, access.Expression.ToString(), fix.Kind)
            : null;
}
