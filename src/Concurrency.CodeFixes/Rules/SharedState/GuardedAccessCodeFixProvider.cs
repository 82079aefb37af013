using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

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

        // Per block and lock: runs of consecutive statements, each wrapped once.
        var sites = diagnostics.Select(d => Site(root, d)).OfType<(StatementSyntax Statement, GuardedAccessFix Fix)>()
            .GroupBy(s => s.Statement).Select(g => g.First())
            .ToList();
        var replacements = new Dictionary<BlockSyntax, BlockSyntax>();
        foreach (var group in sites.GroupBy(s => ((BlockSyntax)s.Statement.Parent!, s.Fix.Kind, s.Fix.Gate)))
        {
            var block = group.Key.Item1;
            if (replacements.ContainsKey(block))
            {
                continue; // a second lock in one block: the next pass of Fix All wraps its statements
            }

            var indexes = group.Select(s => block.Statements.IndexOf(s.Statement)).OrderBy(i => i).ToList();
            var runs = new List<(int First, int Last)>();
            foreach (var index in indexes)
            {
                if (runs.Count > 0 && runs[runs.Count - 1].Last == index - 1)
                {
                    runs[runs.Count - 1] = (runs[runs.Count - 1].First, index);
                }
                else
                {
                    runs.Add((index, index));
                }
            }

            // Later runs first, so earlier indexes stay valid; statements are matched by position in the original block.
            var statements = block.Statements.ToList();
            foreach (var (first, last) in runs.OrderByDescending(r => r.First))
            {
                var run = statements.GetRange(first, last - first + 1);
                statements.RemoveRange(first, last - first + 1);
                if (first > 0 && ScopeBlock(statements[first - 1], group.Key.Kind, group.Key.Gate) is { } previous)
                {
                    // Right after a scope of the same lock (a fix made before): the statements join it.
                    var indent = previous.Statements.Count > 0 ? previous.Statements[0].GetLeadingTrivia() : default;
                    var newline = previous.Statements.Count > 0 && previous.Statements[previous.Statements.Count - 1].GetTrailingTrivia().LastOrDefault() is { RawKind: (int)SyntaxKind.EndOfLineTrivia } eol ? eol : ElasticCarriageReturnLineFeed;
                    var ending = previous.Statements.Count > 0 ? previous.Statements[previous.Statements.Count - 1] : null;
                    var ended = ending is null || ending.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? previous : previous.ReplaceNode(ending, ending.WithTrailingTrivia(ending.GetTrailingTrivia().Add(newline)));
                    var joined = ended.AddStatements(run.Select(r => r.WithLeadingTrivia(indent).WithTrailingTrivia(newline)).ToArray());
                    statements[first - 1] = statements[first - 1].ReplaceNode(previous, joined).WithAdditionalAnnotations(Formatter.Annotation);
                }
                else
                {
                    statements.Insert(first, Wrap(run, group.Key.Kind, group.Key.Gate));
                }
            }

            replacements[block] = block.WithStatements(List(statements));
        }

        // Blocks are distinct nodes; one that contains another is rewritten from its original, so a nested fix is left for another pass.
        root = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        return document.WithSyntaxRoot(root);
    }

    // The block of 'lock (gate) { … }' or 'using (gate.Hold()) { … }', or null.
    private static BlockSyntax? ScopeBlock(StatementSyntax statement, GuardedAccessFixKind kind, string gate) => (kind, statement) switch
    {
        (GuardedAccessFixKind.Lock, LockStatementSyntax { Statement: BlockSyntax body } locked) when locked.Expression.ToString() == gate => body,
        (GuardedAccessFixKind.Hold, UsingStatementSyntax { Statement: BlockSyntax body, Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Hold" } hold } }) when hold.Expression.ToString() == gate => body,
        _ => null,
    };

    private static StatementSyntax Wrap(List<StatementSyntax> statements, GuardedAccessFixKind kind, string gate)
    {
        // The first statement's comments go above the scope; the others keep theirs.
        var body = Block(statements.Select((s, i) => (i == 0 ? s.WithLeadingTrivia(ElasticMarker) : s).WithTrailingTrivia(ElasticCarriageReturnLineFeed)));
        var gateExpression = ParseExpression(gate);
        StatementSyntax scope = kind == GuardedAccessFixKind.Hold
            ? UsingStatement(null, InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, gateExpression, IdentifierName("Hold"))), body)
            : LockStatement(gateExpression, body);
        return scope
            .WithLeadingTrivia(statements[0].GetLeadingTrivia())
            .WithTrailingTrivia(statements[statements.Count - 1].GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static (StatementSyntax Statement, GuardedAccessFix Fix)? Site(SyntaxNode root, Diagnostic diagnostic) =>
        GuardedAccessFix.TryRead(diagnostic, out var fix) && fix.Kind != GuardedAccessFixKind.None
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement
            ? (statement, fix)
            : null;
}
