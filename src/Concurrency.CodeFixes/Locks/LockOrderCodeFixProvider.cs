using System.Composition;
using Concurrency.Analyzers;
using Concurrency.Analyzers.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.CodeFixes.Locks;

/// <summary>
/// CONC101's fix for a site in the minority order written as directly nested <c>lock</c>
/// statements: the two lock expressions swap, which brings the site to the dominant order. The
/// analyzer decides which sites are in the minority, so Fix All applies one order everywhere.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockOrderCodeFixProvider)), Shared]
public sealed class LockOrderCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockOrderInversion);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Nesting(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC101_Fix"), RuleIds.LockOrderInversion);
            }
        }
    }

    /// <summary>The outer and inner <c>lock</c> statements of a site the analyzer marked for a swap.</summary>
    private static (LockStatementSyntax Outer, LockStatementSyntax Inner)? Nesting(SyntaxNode root, Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(LockOrderInversionAnalyzer.FixProperty, out var fix) && fix == "Swap"
        && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax { Parent: LockStatementSyntax inner } expression
        && inner.Expression == expression
        && (inner.Parent as LockStatementSyntax ?? (inner.Parent as BlockSyntax)?.Parent as LockStatementSyntax) is { } outer
            ? (outer, inner)
            : null;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var sites = diagnostics.Select(d => Nesting(root, d)).OfType<(LockStatementSyntax Outer, LockStatementSyntax Inner)>()
            .GroupBy(site => site.Outer)
            .ToDictionary(group => group.Key, group => group.First().Inner);
        return document.WithSyntaxRoot(root.ReplaceNodes(sites.Keys, (original, _) =>
        {
            // Swap on the original pair; directly nested sites never overlap one another.
            var inner = sites[original];
            var swappedInner = inner.WithExpression(original.Expression.WithTriviaFrom(inner.Expression));
            return original.ReplaceNode(inner, swappedInner).WithExpression(inner.Expression.WithTriviaFrom(original.Expression));
        }));
    }
}
