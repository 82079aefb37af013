using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>
/// The base of the package's code fixes: one rewrite routine serves the light bulb (one diagnostic)
/// and Fix All (every diagnostic of a document at once, so rewrites that nest or share a
/// declaration compose instead of overlapping).
/// </summary>
public abstract class RewriteCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
        async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <summary>Rewrites <paramref name="document"/> for all of <paramref name="diagnostics"/>.</summary>
    protected abstract Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    /// <summary>Offers the rewrite of one diagnostic under <paramref name="title"/>.</summary>
    protected void Register(CodeFixContext context, Diagnostic diagnostic, string title, string equivalenceKey) =>
        context.RegisterCodeFix(
            CodeAction.Create(title, cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken), equivalenceKey),
            diagnostic);
}
