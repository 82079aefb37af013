using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.CodeFixes.Rules.SharedState;

/// <summary>
/// CONC305's, CONC302's and CONC301's fix: the statement of the access is wrapped in the lock the member is
/// guarded by (CONC302: the lock its locked writes hold; CONC301: the lock its other accesses hold) —
/// <c>lock (_gate) { … }</c>, or <c>using (_gate.Hold()) { … }</c> for a runtime primitive. Consecutive
/// statements of one block that need the same lock (Fix All) share one scope.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GuardedAccessCodeFixProvider)), Shared]
public sealed class GuardedAccessCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.GuardedAccess, RuleIds.InconsistentLocking, RuleIds.UnsynchronizedWrite);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Site(root, diagnostic) is { } site)
            {
                Register(context, diagnostic, string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC305_Fix_Lock"), site.Fix.Gate), diagnostic.Id);
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

        var sites = diagnostics.Select(d => Site(root, d)).OfType<(StatementSyntax Statement, GuardedAccessFix Fix)>()
            .Select(s => (s.Statement, s.Fix.Kind, s.Fix.Gate));
        return document.WithSyntaxRoot(LockScopes.Wrap(root, sites));
    }

    private static (StatementSyntax Statement, GuardedAccessFix Fix)? Site(SyntaxNode root, Diagnostic diagnostic) =>
        GuardedAccessFix.TryRead(diagnostic, out var fix) && fix.Kind != GuardedAccessFixKind.None
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement
            ? (statement, fix)
            : null;
}
