using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>
/// Statements wrapped in a lock scope — <c>lock (gate) { … }</c>, or <c>using (gate.Hold()) { … }</c>
/// for a runtime primitive — the fixes of the shared-state rules (CONC302, CONC303, CONC305).
/// Consecutive statements of one block that need the same lock share one scope, and statements
/// right after a scope of the same lock join it.
/// </summary>
internal static class LockScopes
{
    /// <summary>
    /// <paramref name="root"/> with each of <paramref name="sites"/> (statements of blocks, in
    /// <paramref name="root"/>) inside a scope of its lock. One lock per block per pass: a second one
    /// is left for the next pass of Fix All, and so is a block inside another rewritten block.
    /// </summary>
    public static SyntaxNode Wrap(SyntaxNode root, IEnumerable<(StatementSyntax Statement, GuardedAccessFixKind Kind, string Gate)> sites)
    {
        // Per block and lock: runs of consecutive statements, each wrapped once.
        var distinct = sites.GroupBy(s => s.Statement).Select(g => g.First()).ToList();
        var replacements = new Dictionary<BlockSyntax, BlockSyntax>();
        foreach (var group in distinct.GroupBy(s => ((BlockSyntax)s.Statement.Parent!, s.Kind, s.Gate)))
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
        return root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
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
}
