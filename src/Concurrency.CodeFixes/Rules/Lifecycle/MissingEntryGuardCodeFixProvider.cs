using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC206's fixes: <c>Process.EnterChildIfRequested();</c> becomes the first statement of the entry
/// point — inserted (written fully qualified and simplified, so it reads <c>Process.…</c> only where
/// that name is unambiguous), or, when the program already calls it later or in a nested block,
/// that statement moved to the top with the comment lines just above it. An expression-bodied
/// <c>Main</c> becomes a block body. In top-level programs the guard goes before the first
/// statement but after the file's header comments (up to the last blank line above the statement).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingEntryGuardCodeFixProvider)), Shared]
public sealed class MissingEntryGuardCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MissingEntryGuard);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Site.Find(root, diagnostic) is { } site)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC206_Fix_" + site.Kind), RuleIds.MissingEntryGuard + site.Kind);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);

        // A compilation has one entry point, so one diagnostic: the first that has a site is fixed.
        if (root is null || diagnostics.Select(d => Site.Find(root, d)).FirstOrDefault(s => s is not null) is not { } site)
        {
            return document;
        }

        var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } found ? found : ElasticCarriageReturnLineFeed;
        var entry = site.Entry;
        StatementSyntax guard;
        SyntaxTriviaList comments;
        if (site.Guard is { } existing)
        {
            // Moved: the comment lines right above it travel with it; directives stay where they are.
            comments = CommentLines(existing.GetLeadingTrivia());
            guard = existing.WithoutTrivia();
            var removed = existing.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : existing;
            entry = entry.RemoveNode(removed, SyntaxRemoveOptions.KeepDirectives)!;
        }
        else
        {
            comments = default;
            guard = NewGuard();
        }

        var fixedEntry = entry switch
        {
            CompilationUnitSyntax unit => InsertFirst(unit, guard, comments, endOfLine),
            MethodDeclarationSyntax { Body: { } body } method => method.WithBody(InsertFirst(body, guard, comments, endOfLine)),
            MethodDeclarationSyntax { ExpressionBody: not null } method => WithBlockBody(method, guard),
            _ => entry,
        };
        return document.WithSyntaxRoot(site.Entry == root ? fixedEntry : root.ReplaceNode(site.Entry, fixedEntry));
    }

    // global::Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested(); — simplified to
    // 'Process.…' by the code action where a using makes that name mean the runtime's (with
    // 'using System.Diagnostics;' beside it, it stays qualified).
    private static StatementSyntax NewGuard() =>
        ExpressionStatement(InvocationExpression(MemberAccessExpression(
            SyntaxKind.SimpleMemberAccessExpression,
            ParseExpression("global::" + KnownTypes.Runtime.Process).WithAdditionalAnnotations(Simplifier.Annotation),
            IdentifierName("EnterChildIfRequested"))));

    private static BlockSyntax InsertFirst(BlockSyntax body, StatementSyntax guard, SyntaxTriviaList comments, SyntaxTrivia endOfLine)
    {
        if (body.Statements.FirstOrDefault() is not { } first)
        {
            return body.WithStatements(SingletonList(guard.WithAdditionalAnnotations(Formatter.Annotation))).WithAdditionalAnnotations(Formatter.Annotation);
        }

        var indentation = Indentation(first.GetLeadingTrivia());
        return body.WithStatements(body.Statements.Insert(0, guard
            .WithLeadingTrivia(Reindent(comments, indentation).AddRange(indentation))
            .WithTrailingTrivia(endOfLine)));
    }

    private static CompilationUnitSyntax InsertFirst(CompilationUnitSyntax unit, StatementSyntax guard, SyntaxTriviaList comments, SyntaxTrivia endOfLine)
    {
        var first = unit.Members.OfType<GlobalStatementSyntax>().First();
        var leading = first.GetLeadingTrivia();
        var headerLength = HeaderLength(first, leading);
        var rest = TriviaList(leading.Skip(headerLength));
        var indentation = Indentation(rest);
        var statement = GlobalStatement(guard
            .WithLeadingTrivia(TriviaList(leading.Take(headerLength)).AddRange(Reindent(comments, indentation)).AddRange(indentation))
            .WithTrailingTrivia(endOfLine));
        var members = unit.Members.Replace(first, first.WithLeadingTrivia(rest));
        return unit.WithMembers(members.Insert(members.IndexOf(m => m is GlobalStatementSyntax), statement));
    }

    // static void Main() => Run();  →  static void Main() { guard; Run(); }
    private static MethodDeclarationSyntax WithBlockBody(MethodDeclarationSyntax method, StatementSyntax guard)
    {
        var expression = method.ExpressionBody!.Expression.WithoutTrivia();
        StatementSyntax body = expression is ThrowExpressionSyntax thrown ? ThrowStatement(thrown.Expression)
            : ReturnsValue(method) ? ReturnStatement(expression)
            : ExpressionStatement(expression);
        return method
            .WithParameterList(method.ParameterList.WithTrailingTrivia(ElasticMarker))
            .WithExpressionBody(null)
            .WithSemicolonToken(default)
            .WithBody(Block(guard, body).WithTrailingTrivia(method.SemicolonToken.TrailingTrivia))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    // Main returns a value unless it is void or 'async Task'.
    private static bool ReturnsValue(MethodDeclarationSyntax method)
    {
        if (method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword })
        {
            return false;
        }

        var isTask = method.ReturnType is IdentifierNameSyntax { Identifier.ValueText: "Task" } or QualifiedNameSyntax { Right: IdentifierNameSyntax { Identifier.ValueText: "Task" } };
        return !(isTask && method.Modifiers.Any(SyntaxKind.AsyncKeyword));
    }

    /// <summary>The whitespace before a statement's first token when it starts its line.</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading) =>
        leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) && (leading.Count == 1 || leading[leading.Count - 2].IsKind(SyntaxKind.EndOfLineTrivia))
            ? TriviaList(leading[leading.Count - 1])
            : default;

    /// <summary>The comment lines directly above a statement (after its last blank line), without directives or the final indentation.</summary>
    private static SyntaxTriviaList CommentLines(SyntaxTriviaList leading)
    {
        var lines = TriviaList(leading.Skip(AfterLastBlankLine(leading)));
        if (lines.Any(t => t.IsDirective || t.IsKind(SyntaxKind.DisabledTextTrivia)))
        {
            return default;
        }

        var lineEnds = lines.Select((t, i) => t.IsKind(SyntaxKind.EndOfLineTrivia) ? i + 1 : 0);
        return TriviaList(lines.Take(lineEnds.DefaultIfEmpty(0).Max()));
    }

    // Comment lines moved to another depth take its indentation.
    private static SyntaxTriviaList Reindent(SyntaxTriviaList comments, SyntaxTriviaList indentation)
    {
        var result = new List<SyntaxTrivia>();
        var atLineStart = true;
        foreach (var trivia in comments)
        {
            if (atLineStart)
            {
                result.AddRange(indentation);
            }

            if (!(atLineStart && trivia.IsKind(SyntaxKind.WhitespaceTrivia)))
            {
                result.Add(trivia);
            }

            atLineStart = trivia.IsKind(SyntaxKind.EndOfLineTrivia);
        }

        return TriviaList(result);
    }

    /// <summary>
    /// How much of the first top-level statement's leading trivia is the file's header, which stays
    /// above the guard: up to its last blank line; at the start of the file without a blank line, all
    /// of its comments. Never a part that opens an <c>#if</c> or <c>#region</c> (the guard would move inside it).
    /// </summary>
    private static int HeaderLength(GlobalStatementSyntax first, SyntaxTriviaList leading)
    {
        var length = AfterLastBlankLine(leading);
        if (length == 0 && first.GetFirstToken().GetPreviousToken().IsKind(SyntaxKind.None) && !leading.Any(t => t.IsDirective || t.IsKind(SyntaxKind.DisabledTextTrivia)))
        {
            length = leading.Count - Indentation(leading).Count;
        }

        return leading.Take(length).Any(t => t.IsKind(SyntaxKind.IfDirectiveTrivia) || t.IsKind(SyntaxKind.ElifDirectiveTrivia) || t.IsKind(SyntaxKind.ElseDirectiveTrivia) || t.IsKind(SyntaxKind.RegionDirectiveTrivia))
            ? 0
            : length;
    }

    /// <summary>The index just after the last blank line of <paramref name="leading"/>, or 0.</summary>
    private static int AfterLastBlankLine(SyntaxTriviaList leading)
    {
        var after = 0;
        var lineIsBlank = true;
        for (var i = 0; i < leading.Count; i++)
        {
            var trivia = leading[i];
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                // A line of nothing but whitespace; the first line of leading trivia continues the previous token's line.
                if (lineIsBlank && (i > 0 || leading[0].Token.GetPreviousToken().IsKind(SyntaxKind.None) || EndsLine(leading[0].Token.GetPreviousToken())))
                {
                    after = i + 1;
                }

                lineIsBlank = true;
            }
            else if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                lineIsBlank = false;
            }
        }

        return after;
    }

    private static bool EndsLine(SyntaxToken token) => token.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia);

    /// <summary>Where the guard goes (the entry point) and, for a move, the guard statement already there.</summary>
    private sealed class Site
    {
        private Site(MissingEntryGuardFixKind kind, SyntaxNode entry, StatementSyntax? guard)
        {
            Kind = kind;
            Entry = entry;
            Guard = guard;
        }

        public MissingEntryGuardFixKind Kind { get; }

        /// <summary>The <c>Main</c> declaration, or the compilation unit of the top-level statements.</summary>
        public SyntaxNode Entry { get; }

        public StatementSyntax? Guard { get; }

        public static Site? Find(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!MissingEntryGuardFix.TryRead(diagnostic, out var fix) || fix.Kind == MissingEntryGuardFixKind.None)
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            SyntaxNode? entry = node.AncestorsAndSelf().FirstOrDefault(a => a is MethodDeclarationSyntax or GlobalStatementSyntax) switch
            {
                MethodDeclarationSyntax method when method.Body is not null || method.ExpressionBody is not null => method,
                GlobalStatementSyntax global => global.Parent as CompilationUnitSyntax,
                _ => null,
            };
            if (entry is null)
            {
                return null;
            }

            if (fix.Kind != MissingEntryGuardFixKind.Move)
            {
                return new Site(fix.Kind, entry, null);
            }

            return node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Parent: ExpressionStatementSyntax { Parent: BlockSyntax or GlobalStatementSyntax } statement } call
                && call.Span == diagnostic.Location.SourceSpan
                    ? new Site(fix.Kind, entry, statement)
                    : null;
        }
    }
}
