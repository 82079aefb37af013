using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Concurrency.CodeFixes.Rules.Locks;

/// <summary>
/// CONC101's fix brings a site against the canonical lock order to it: directly nested <c>lock</c>
/// statements swap; otherwise a <c>lock</c> on the lock that comes first goes around the statement
/// holding the other (held longer, still correct: Monitor locks are reentrant, so the inner
/// acquisition just re-enters). The analyzer decides the order once for all sites, so Fix All
/// brings the whole solution to one order.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockOrderInversionCodeFixProvider)), Shared]
public sealed class LockOrderInversionCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockOrderInversion);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Nesting(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC101_Fix"), RuleIds.LockOrderInversion);
            }
            else if (Wrapping(root, model, diagnostic, context.CancellationToken) is { } wrap)
            {
                var title = string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC101_FixWrap"), wrap.Lock.ToString());
                Register(context, diagnostic, title, RuleIds.LockOrderInversion);
            }
        }
    }

    /// <summary>The outer and inner <c>lock</c> statements of a site the analyzer marked for a swap.</summary>
    private static (LockStatementSyntax Outer, LockStatementSyntax Inner)? Nesting(SyntaxNode root, Diagnostic diagnostic) =>
        LockOrderInversionFix.TryRead(diagnostic, out var fix) && fix.Kind == LockOrderInversionFixKind.Swap
        && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax { Parent: LockStatementSyntax inner } expression
        && inner.Expression == expression
        && (inner.Parent as LockStatementSyntax ?? (inner.Parent as BlockSyntax)?.Parent as LockStatementSyntax) is { } outer
            ? (outer, inner)
            : null;

    /// <summary>
    /// For a site marked <c>Wrap</c>: the statement holding the other lock, and an expression for the
    /// lock to take around it that names the field from there; null when none does.
    /// </summary>
    private static (StatementSyntax Outer, ExpressionSyntax Lock, int Rank)? Wrapping(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!LockOrderInversionFix.TryRead(diagnostic, out var fix) || fix.Kind != LockOrderInversionFixKind.Wrap
            || fix.OuterStart >= root.FullSpan.End)
        {
            return null;
        }

        var start = fix.OuterStart;

        var outer = root.FindToken(start).Parent?.AncestorsAndSelf()
            .OfType<StatementSyntax>()
            .FirstOrDefault(s => s is LockStatementSyntax or UsingStatementSyntax && s.SpanStart == start);
        if (outer is null || fix.FindLock(model.Compilation) is not { } field
            || !model.IsAccessible(start, field))
        {
            return null;
        }

        var lockExpression = NameFrom(model, start, field, cancellationToken);
        return lockExpression is null ? null : (outer, lockExpression, fix.Rank);
    }

    /// <summary>How code at <paramref name="position"/> names <paramref name="field"/>: <c>_gate</c>, <c>this._gate</c>, <c>Type.Gate</c>.</summary>
    private static ExpressionSyntax? NameFrom(SemanticModel model, int position, IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (model.LookupSymbols(position, name: field.Name).Any(s => SymbolEqualityComparer.Default.Equals(s.OriginalDefinition, field))
            && (field.IsStatic || !InStaticContext(model, position, cancellationToken)))
        {
            return SyntaxFactory.IdentifierName(field.Name);
        }

        if (field.IsStatic)
        {
            return SyntaxFactory.ParseExpression(field.ContainingType.ToMinimalDisplayString(model, position) + "." + field.Name);
        }

        // Another instance's field is another lock for the compiler, though one for the analysis: no fix.
        return null;
    }

    private static bool InStaticContext(SemanticModel model, int position, CancellationToken cancellationToken) =>
        model.GetEnclosingSymbol(position, cancellationToken) is { } symbol
        && (symbol.IsStatic || (symbol is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction } && symbol.ContainingSymbol is { IsStatic: true }));

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var swaps = new HashSet<SyntaxNode>(diagnostics.Select(d => Nesting(root, d)).OfType<(LockStatementSyntax Outer, LockStatementSyntax Inner)>().Select(site => site.Outer));

        // Each statement is wrapped once per lock, the locks nested in the canonical order.
        var wraps = diagnostics.Select(d => Wrapping(root, model, d, cancellationToken)).OfType<(StatementSyntax Outer, ExpressionSyntax Lock, int Rank)>()
            .Where(w => !swaps.Contains(w.Outer))
            .GroupBy(w => w.Outer)
            .ToDictionary(g => (SyntaxNode)g.Key, g => g.GroupBy(w => w.Lock.ToString()).Select(same => same.First()).OrderByDescending(w => w.Rank).ToList());

        return document.WithSyntaxRoot(root.ReplaceNodes(swaps.Concat(wraps.Keys), (original, rewritten) =>
        {
            if (swaps.Contains(original))
            {
                return Swap((LockStatementSyntax)rewritten);
            }

            var statement = (StatementSyntax)rewritten;
            var wrapped = statement.WithoutLeadingTrivia();
            foreach (var wrap in wraps[original])
            {
                wrapped = SyntaxFactory.LockStatement(wrap.Lock, SyntaxFactory.Block(wrapped));
            }

            return wrapped.WithLeadingTrivia(statement.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
        }));
    }

    // lock (a) { lock (b) body } → lock (b) { lock (a) body }, trivia kept in place.
    private static SyntaxNode Swap(LockStatementSyntax outer)
    {
        var inner = outer.Statement as LockStatementSyntax ?? (LockStatementSyntax)((BlockSyntax)outer.Statement).Statements[0];
        var swappedInner = inner.WithExpression(outer.Expression.WithTriviaFrom(inner.Expression));
        return outer.ReplaceNode(inner, swappedInner).WithExpression(inner.Expression.WithTriviaFrom(outer.Expression));
    }
}
