using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Locks;

/// <summary>
/// CONC103's fix: the statements between the acquisition and the first release after it (in the
/// same block) move into <c>try { … } finally { release; }</c>; for the runtime's locks, where
/// <c>Hold()</c> is in scope, into <c>using (x.Hold()) { … }</c> instead.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnreleasedLockCodeFixProvider)), Shared]
public sealed class UnreleasedLockCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnreleasedLock);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var fix = FixOf(diagnostic);
            if (fix == UnreleasedLockFixKind.None)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC103_Fix_" + fix), RuleIds.UnreleasedLock);
        }

        return Task.CompletedTask;
    }

    private static UnreleasedLockFixKind FixOf(Diagnostic diagnostic) =>
        UnreleasedLockFix.TryRead(diagnostic, out var fix) ? fix.Kind : UnreleasedLockFixKind.None;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        // Find every acquisition and its release on the original tree, mark them, then rewrite one
        // pair at a time: a nested pair moved into an outer try block is still found by its marks.
        var locks = LockSymbols.For(model.Compilation);
        var pairs = new List<(SyntaxAnnotation Acquire, SyntaxAnnotation Release, UnreleasedLockFixKind Fix)>();
        var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var fix = FixOf(diagnostic);
            if (fix == UnreleasedLockFixKind.None
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call
                || call.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax block } acquisition
                || model.GetOperation(call, cancellationToken) is not IInvocationOperation acquire
                || locks.AcquiresIncludingAsync(acquire) is not { } key)
            {
                continue;
            }

            var release = block.Statements.Skip(block.Statements.IndexOf(acquisition) + 1)
                .OfType<ExpressionStatementSyntax>()
                .FirstOrDefault(s => model.GetOperation(s.Expression, cancellationToken) is IInvocationOperation r && locks.Releases(r, key));
            if (release is null)
            {
                continue;
            }

            pairs.Add((Mark(acquisition), Mark(release), fix));
        }

        SyntaxAnnotation Mark(SyntaxNode node)
        {
            if (!marks.TryGetValue(node, out var annotation))
            {
                annotation = new SyntaxAnnotation();
                marks[node] = annotation;
            }

            return annotation;
        }

        root = root.ReplaceNodes(marks.Keys, (original, current) => current.WithAdditionalAnnotations(marks[original]));
        foreach (var (acquireMark, releaseMark, fix) in pairs)
        {
            if (root.GetAnnotatedNodes(acquireMark).SingleOrDefault() is not ExpressionStatementSyntax acquisition
                || root.GetAnnotatedNodes(releaseMark).SingleOrDefault() is not ExpressionStatementSyntax release
                || acquisition.Parent is not BlockSyntax block
                || release.Parent != block)
            {
                continue;
            }

            root = root.ReplaceNode(block, Rewrite(block, acquisition, release, fix));
        }

        return document.WithSyntaxRoot(root);
    }

    private static BlockSyntax Rewrite(BlockSyntax block, ExpressionStatementSyntax acquisition, ExpressionStatementSyntax release, UnreleasedLockFixKind fix)
    {
        var statements = block.Statements;
        var start = statements.IndexOf(acquisition);
        var end = statements.IndexOf(release);
        var inner = Block(statements.Skip(start + 1).Take(end - start - 1));
        StatementSyntax guarded;
        if (fix == UnreleasedLockFixKind.Hold && acquisition.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            // x.Acquire(); ... x.Release();  →  using (x.Hold()) { ... }
            var hold = InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression.WithoutTrivia(), IdentifierName("Hold")));
            guarded = UsingStatement(null, hold, inner).WithLeadingTrivia(acquisition.GetLeadingTrivia());
            return block.WithStatements(statements
                .Take(start)
                .Append(guarded.WithAdditionalAnnotations(Formatter.Annotation))
                .Concat(statements.Skip(end + 1))
                .ToSyntaxList());
        }

        guarded = TryStatement(inner, default, FinallyClause(Block(release.WithoutLeadingTrivia())));
        return block.WithStatements(statements
            .Take(start + 1)
            .Append(guarded.WithAdditionalAnnotations(Formatter.Annotation))
            .Concat(statements.Skip(end + 1))
            .ToSyntaxList());
    }
}
