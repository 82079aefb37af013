using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC205's fix: two loops. The submission in the loop goes into <c>futures.Add(…)</c> (a
/// <c>List&lt;T&gt;</c> declared before the loop) and the loop's other statements stay; after it, a
/// <c>foreach</c> waits for each future in order as the iteration did (<c>future.Result()</c>,
/// <c>await future</c>), or <c>await Task.WhenAll(tasks)</c> for tasks. When the iteration declared the
/// result (<c>var r = wait;</c>), the statements after it move into the second loop, which declares it
/// again from each future (<c>foreach (var r in await Task.WhenAll(tasks))</c> for tasks).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SerialSubmitWaitCodeFixProvider)), Shared]
public sealed class SerialSubmitWaitCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SerialSubmitWait);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixOf(diagnostic) is { Kind: not SerialSubmitWaitFixKind.None } fix && root is not null && Find(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC205_Fix_" + fix.Kind), RuleIds.SerialSubmitWait);
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

        var edit = new TwoLoops.Edit(root, document);
        var moved = new List<TextSpan>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (FixOf(diagnostic) is not { Kind: not SerialSubmitWaitFixKind.None, ElementType: { } elementType } fix
                || Find(root, diagnostic) is not var (statement, worker, anchor)
                || moved.Any(m => m.Contains(statement.Span)))
            {
                continue; // a wait in statements another fix of this pass moves: the next pass fixes it
            }

            var isTask = fix.Kind == SerialSubmitWaitFixKind.WhenAll;
            var list = edit.Names.Take(anchor, isTask ? "tasks" : "futures");
            edit.Collect(anchor, list, elementType, statement, worker);

            var tail = new List<StatementSyntax>();
            if (statement is LocalDeclarationStatementSyntax && statement.Parent is BlockSyntax block)
            {
                tail.AddRange(block.Statements.Skip(block.Statements.IndexOf(statement) + 1));
                foreach (var moving in tail)
                {
                    edit.Editor.RemoveNode(moving);
                }

                if (tail.Count > 0)
                {
                    moved.Add(TextSpan.FromBounds(tail[0].SpanStart, tail[tail.Count - 1].Span.End));
                }
            }

            edit.WaitAfter(anchor, isTask ? WhenAll(statement, worker, list, tail) : WaitEach(statement, worker, list, edit.Names.Take(anchor, "future"), tail));
        }

        return document.WithSyntaxRoot(edit.ChangedRoot());
    }

    // 'foreach (var future in futures) { <the wait, on future>; <tail> }'
    private static StatementSyntax WaitEach(StatementSyntax statement, ExpressionSyntax worker, string list, string variable, List<StatementSyntax> tail)
    {
        var wait = statement.ReplaceNode(worker, IdentifierName(variable).WithTriviaFrom(worker)).WithoutLeadingTrivia();
        return ForEachStatement(IdentifierName("var"), Identifier(variable), IdentifierName(list), Block(new[] { wait }.Concat(tail.Select(Plain))));
    }

    // 'await Task.WhenAll(tasks);', or 'foreach (var r in await Task.WhenAll(tasks)) { <tail> }'.
    private static StatementSyntax WhenAll(StatementSyntax statement, ExpressionSyntax worker, string list, List<StatementSyntax> tail)
    {
        var all = TwoLoops.Call(TwoLoops.TaskType(), "WhenAll", IdentifierName(list));
        var waited = statement.ReplaceNode(worker, all.WithTriviaFrom(worker)).WithoutTrivia();
        if (waited is not LocalDeclarationStatementSyntax { Declaration: var declaration } || declaration.Variables.Count != 1 || declaration.Variables[0].Initializer is not { Value: var value })
        {
            return waited;
        }

        return tail.Count > 0
            ? ForEachStatement(declaration.Type.WithoutTrivia(), declaration.Variables[0].Identifier.WithoutTrivia(), value.WithoutTrivia(), Block(tail.Select(Plain)))
            : ExpressionStatement(value.WithoutTrivia());
    }

    private static StatementSyntax Plain(StatementSyntax statement) => statement.WithAdditionalAnnotations(Formatter.Annotation);

    private static SerialSubmitWaitFix FixOf(Diagnostic diagnostic) =>
        SerialSubmitWaitFix.TryRead(diagnostic, out var fix) ? fix : SerialSubmitWaitFix.None;

    // The wait's statement, the submission it waits for (the diagnostic's additional location), and the anchor of its loop.
    private static (StatementSyntax Statement, ExpressionSyntax Worker, SyntaxNode Anchor)? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.AdditionalLocations.Count == 0)
        {
            return null;
        }

        var span = diagnostic.AdditionalLocations[0].SourceSpan;
        var worker = root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == span);
        var statement = worker?.FirstAncestorOrSelf<StatementSyntax>();
        if (worker is null || statement is not (ExpressionStatementSyntax or LocalDeclarationStatementSyntax) || !statement.Span.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        return TwoLoops.AnchorOf(statement) is { } anchor ? (statement, worker, anchor) : null;
    }
}
