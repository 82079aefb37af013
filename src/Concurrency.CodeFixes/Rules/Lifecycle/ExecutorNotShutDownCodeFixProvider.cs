using System.Composition;
using Concurrency.Analyzers.Rules.Lifecycle;
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
/// CONC203's fix: <c>var pool = new ThreadPoolExecutor(…);</c> becomes <c>using var pool = …;</c>, and a
/// plain <c>pool.Shutdown();</c> that ended the block goes (the using does it there, on every path). When
/// statements follow the shutdown, the code up to it moves into <c>using (var pool = …) { … }</c> instead,
/// so the pool is still shut down before them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ExecutorNotShutDownCodeFixProvider)), Shared]
public sealed class ExecutorNotShutDownCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ExecutorNotShutDown);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixOf(diagnostic) is not ExecutorShutdownFixKind.None and var kind && root is not null && Find(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC203_Fix_" + kind), RuleIds.ExecutorNotShutDown);
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
        var wrapped = new List<TextSpan>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var kind = FixOf(diagnostic);
            if (kind == ExecutorShutdownFixKind.None || Find(root, diagnostic) is not var (declaration, statements, name) || wrapped.Any(w => w.Contains(declaration.Span)))
            {
                continue; // inside a using block another fix of this pass makes: the next pass fixes it
            }

            var index = ExecutorNotShutDownAnalyzer.IndexOf(statements, declaration);
            var shutdown = ExecutorNotShutDownAnalyzer.ShutdownStatementAfter(statements, index, name);
            if (kind == ExecutorShutdownFixKind.UsingDeclaration)
            {
                editor.ReplaceNode(declaration, declaration
                    .WithUsingKeyword(Token(SyntaxKind.UsingKeyword).WithLeadingTrivia(declaration.GetLeadingTrivia()).WithTrailingTrivia(Space))
                    .WithDeclaration(declaration.Declaration.WithoutLeadingTrivia()));
                if (shutdown is not null && ExecutorNotShutDownAnalyzer.EndsTheBlock(statements, shutdown))
                {
                    Remove(editor, shutdown);
                }

                continue;
            }

            if (shutdown is null)
            {
                continue;
            }

            var end = ExecutorNotShutDownAnalyzer.IndexOf(statements, shutdown);
            var body = statements.Skip(index + 1).Take(end - index - 1).ToList();
            var usingBlock = UsingStatement(declaration.Declaration.WithoutTrivia(), null, Block(body))
                .WithTriviaFrom(declaration)
                .WithAdditionalAnnotations(Formatter.Annotation);
            editor.ReplaceNode(declaration, usingBlock);
            foreach (var statement in body)
            {
                editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
            }

            editor.RemoveNode(shutdown, SyntaxRemoveOptions.KeepNoTrivia);
            wrapped.Add(TextSpan.FromBounds(declaration.Span.End, shutdown.Span.End));
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    // The shutdown a using now makes: its statement (the global statement, in top-level code) goes.
    private static void Remove(SyntaxEditor editor, StatementSyntax shutdown) =>
        editor.RemoveNode(shutdown.Parent is GlobalStatementSyntax global ? global : shutdown, SyntaxRemoveOptions.KeepNoTrivia);

    private static ExecutorShutdownFixKind FixOf(Diagnostic diagnostic) =>
        ExecutorShutdownFix.TryRead(diagnostic, out var fix) ? fix.Kind : ExecutorShutdownFixKind.None;

    // The declaration whose initializer the diagnostic is on, the statements around it, the local's name.
    private static (LocalDeclarationStatementSyntax Declaration, IReadOnlyList<StatementSyntax> Statements, string Name)? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is not { Declaration.Variables.Count: 1 } declaration
            || declaration.Declaration.Variables[0].Initializer?.Value.Span != diagnostic.Location.SourceSpan
            || !declaration.UsingKeyword.IsKind(SyntaxKind.None)
            || ExecutorNotShutDownAnalyzer.StatementsOf(declaration) is not { } statements)
        {
            return null;
        }

        return (declaration, statements, declaration.Declaration.Variables[0].Identifier.ValueText);
    }
}
