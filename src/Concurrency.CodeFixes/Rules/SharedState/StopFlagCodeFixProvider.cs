using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.SharedState;

/// <summary>
/// CONC306's fix: the polled field declared <c>volatile</c>, in whichever document declares it (the
/// read may be in another part of a partial type). A declaration of several fields is given
/// <c>volatile</c> as a whole (<see cref="StopFlagFixKind.Volatile"/>: the analyzer found none of them
/// passed by reference); otherwise (<see cref="StopFlagFixKind.Split"/>) the fixed fields are split out
/// into a declaration of their own after it, so the others do not change. Not offered when the analyzer says
/// <c>volatile</c> is not allowed or would not hold (<see cref="StopFlagFixKind.None"/>: an enum over
/// <c>long</c>, a field passed by reference). Fix All collects the fields of every diagnostic in its
/// scope and rewrites each declaration once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StopFlagCodeFixProvider)), Shared]
public sealed class StopFlagCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.StopFlag);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => new FixAll();

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FieldAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } field)
            {
                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC306_Fix_Volatile"), field.Name),
                        cancellationToken => MakeVolatileAsync(document.Project.Solution, new[] { (document, diagnostic) }, cancellationToken),
                        RuleIds.StopFlag),
                    diagnostic);
            }
        }
    }

    // The field a diagnostic's read reads, when the fix is offered and the field is declared in source.
    private static async Task<IFieldSymbol?> FieldAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        (await SiteAsync(document, diagnostic, cancellationToken).ConfigureAwait(false))?.Field;

    private static async Task<(IFieldSymbol Field, StopFlagFixKind Kind)?> SiteAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!StopFlagFix.TryRead(diagnostic, out var fix) || fix.Kind == StopFlagFixKind.None)
        {
            return null;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !root.FullSpan.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return model.GetSymbolInfo(node, cancellationToken).Symbol is IFieldSymbol { IsVolatile: false, IsReadOnly: false, IsConst: false } field
            && field.OriginalDefinition.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax })
            ? (field.OriginalDefinition, fix.Kind)
            : null;
    }

    private static async Task<Solution> MakeVolatileAsync(Solution solution, IEnumerable<(Document Document, Diagnostic Diagnostic)> sites, CancellationToken cancellationToken)
    {
        // The declarators to make volatile, by the document that declares them.
        var declarators = new Dictionary<VariableDeclaratorSyntax, StopFlagFixKind>();
        foreach (var (document, diagnostic) in sites)
        {
            if (await SiteAsync(document, diagnostic, cancellationToken).ConfigureAwait(false) is { } site)
            {
                foreach (var reference in site.Field.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax declarator)
                    {
                        declarators[declarator] = site.Kind;
                    }
                }
            }
        }

        foreach (var byTree in declarators.GroupBy(d => d.Key.SyntaxTree))
        {
            if (solution.GetDocument(byTree.Key) is not { } declaring || await declaring.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
            {
                continue;
            }

            var fields = byTree.GroupBy(d => (FieldDeclarationSyntax)d.Key.Parent!.Parent!).ToDictionary(g => g.Key, g => g.ToList());
            var fixedRoot = root.TrackNodes(fields.Keys);
            foreach (var pair in fields)
            {
                var current = fixedRoot.GetCurrentNode(pair.Key)!;
                fixedRoot = fixedRoot.ReplaceNode(current, Rewrite(pair.Key, pair.Value));
            }

            solution = solution.WithDocumentSyntaxRoot(declaring.Id, fixedRoot);
        }

        return solution;
    }

    // The declaration with volatile, or (when some of its fields stay as they are) those fields, then the volatile ones.
    private static IEnumerable<MemberDeclarationSyntax> Rewrite(FieldDeclarationSyntax declaration, List<KeyValuePair<VariableDeclaratorSyntax, StopFlagFixKind>> fixes)
    {
        var variables = declaration.Declaration.Variables;
        var made = fixes.Select(f => f.Key).ToList();
        if (fixes.All(f => f.Value == StopFlagFixKind.Volatile) || variables.All(made.Contains))
        {
            return new[] { AddVolatile(declaration) };
        }

        var kept = declaration.WithDeclaration(declaration.Declaration.WithVariables(Separated(variables.Where(v => !made.Contains(v)))));
        var indent = declaration.GetLeadingTrivia().Reverse().TakeWhile(t => !t.IsKind(SyntaxKind.EndOfLineTrivia)).Reverse();
        var split = AddVolatile(declaration.WithDeclaration(declaration.Declaration.WithVariables(Separated(variables.Where(made.Contains)))))
            .WithLeadingTrivia(indent)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return new MemberDeclarationSyntax[] { kept, split };
    }

    private static SeparatedSyntaxList<VariableDeclaratorSyntax> Separated(IEnumerable<VariableDeclaratorSyntax> variables)
    {
        var list = variables.Select(v => v.WithoutTrivia()).ToList();
        return SeparatedList(list, Enumerable.Repeat(Token(TriviaList(), SyntaxKind.CommaToken, TriviaList(Space)), Math.Max(0, list.Count - 1)));
    }

    // 'private static bool f;' → 'private static volatile bool f;'; 'bool f;' → 'volatile bool f;' (the type's leading trivia moves to the keyword).
    private static FieldDeclarationSyntax AddVolatile(FieldDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Count > 0)
        {
            return declaration.WithModifiers(declaration.Modifiers.Add(Token(TriviaList(), SyntaxKind.VolatileKeyword, TriviaList(Space))));
        }

        var type = declaration.Declaration.Type;
        return declaration
            .WithDeclaration(declaration.Declaration.WithType(type.WithLeadingTrivia()))
            .WithModifiers(TokenList(Token(type.GetLeadingTrivia(), SyntaxKind.VolatileKeyword, TriviaList(Space))));
    }

    // Every diagnostic of the scope, fixed in one solution change: a declaration shared by several fields is rewritten once.
    private sealed class FixAll : FixAllProvider
    {
        public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            var documents = context.Scope switch
            {
                FixAllScope.Project => context.Project.Documents,
                FixAllScope.Solution => context.Solution.Projects.SelectMany(p => p.Documents),
                _ => context.Document is null ? Enumerable.Empty<Document>() : new[] { context.Document },
            };
            var sites = new List<(Document, Diagnostic)>();
            foreach (var document in documents)
            {
                foreach (var diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    sites.Add((document, diagnostic));
                }
            }

            return CodeAction.Create(
                CodeFixResources.Get("CONC306_FixAll_Volatile"),
                cancellationToken => MakeVolatileAsync(context.Solution, sites, cancellationToken),
                context.CodeActionEquivalenceKey);
        }
    }
}
