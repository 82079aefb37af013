using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.SharedState;

/// <summary>
/// CONC304's fixes, as the analyzer chose them (<see cref="CheckThenActFix"/>): a lazy initialization
/// becomes <c>LazyInitializer.EnsureInitialized(ref _x, () => e)</c> (the <c>if</c> and a
/// <c>return _x;</c> right after it folded into one <c>return</c>; <c>_x ??= e</c> replaced where it
/// stands); <c>if (!d.ContainsKey(k)) d[k] = v;</c> on a <c>ConcurrentDictionary</c> becomes
/// <c>d.TryAdd(k, v);</c>; the field of double-checked locking becomes <c>volatile</c>.
/// <c>using System.Threading;</c> is added when needed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CheckThenActCodeFixProvider)), Shared]
public sealed class CheckThenActCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CheckThenAct);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !CheckThenActFix.TryRead(diagnostic, out var fix) || fix.Kind == CheckThenActFixKind.None)
            {
                continue;
            }

            var title = fix.Kind switch
            {
                CheckThenActFixKind.TryAdd => CodeFixResources.Get("CONC304_Fix_TryAdd"),
                CheckThenActFixKind.Volatile => string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC304_Fix_Volatile"), root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).ToString()),
                _ => CodeFixResources.Get("CONC304_Fix_EnsureInitialized"),
            };
            Register(context, diagnostic, title, diagnostic.Id);
        }
    }

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        var done = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (!CheckThenActFix.TryRead(diagnostic, out var fix) || fix.Kind == CheckThenActFixKind.None)
            {
                continue;
            }

            var check = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            switch (fix.Kind)
            {
                case CheckThenActFixKind.Volatile:
                    if (model.GetSymbolInfo(check, cancellationToken).Symbol is IFieldSymbol field
                        && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).FirstAncestorOrSelf<FieldDeclarationSyntax>() is { } declaration
                        && declaration.SyntaxTree == root.SyntaxTree && done.Add(declaration))
                    {
                        editor.ReplaceNode(declaration, (current, _) => MakeVolatile((FieldDeclarationSyntax)current));
                    }

                    break;
                case CheckThenActFixKind.TryAdd:
                    if (check.FirstAncestorOrSelf<IfStatementSyntax>() is { } test && done.Add(test)
                        && SoleAssignment(test) is { Left: ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element } assignment)
                    {
                        var call = InvocationExpression(
                            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, element.Expression.WithoutTrivia(), IdentifierName("TryAdd")),
                            ArgumentList(SeparatedList(new[] { element.ArgumentList.Arguments[0].WithoutTrivia(), Argument(assignment.Right.WithoutTrivia()) })));
                        editor.ReplaceNode(test, ExpressionStatement(call).WithTriviaFrom(test).WithAdditionalAnnotations(Formatter.Annotation));
                    }

                    break;
                case CheckThenActFixKind.EnsureInitialized or CheckThenActFixKind.EnsureInitializedAndReturn:
                    if (check.FirstAncestorOrSelf<AssignmentExpressionSyntax>(a => a.IsKind(SyntaxKind.CoalesceAssignmentExpression)) is { } coalesce && coalesce.Left.Span.Contains(check.Span))
                    {
                        if (done.Add(coalesce))
                        {
                            editor.ReplaceNode(coalesce, EnsureInitialized(coalesce.Left, coalesce.Right).WithTriviaFrom(coalesce));
                        }
                    }
                    else if (check.FirstAncestorOrSelf<IfStatementSyntax>() is { Parent: BlockSyntax block } lazy && done.Add(lazy) && SoleAssignment(lazy) is { } initialization)
                    {
                        var initialized = EnsureInitialized(initialization.Left, initialization.Right);
                        var next = block.Statements.IndexOf(lazy) + 1;
                        if (fix.Kind == CheckThenActFixKind.EnsureInitializedAndReturn && next < block.Statements.Count && block.Statements[next] is ReturnStatementSyntax following && done.Add(following))
                        {
                            editor.ReplaceNode(lazy, ReturnStatement(initialized).WithLeadingTrivia(lazy.GetLeadingTrivia()).WithTrailingTrivia(following.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
                            editor.RemoveNode(following, SyntaxRemoveOptions.KeepNoTrivia);
                        }
                        else
                        {
                            editor.ReplaceNode(lazy, ExpressionStatement(initialized).WithTriviaFrom(lazy).WithAdditionalAnnotations(Formatter.Annotation));
                        }
                    }

                    break;
            }
        }

        var changed = document.WithSyntaxRoot(editor.GetChangedRoot());
        return await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // The assignment of 'if (c) x = e;' or 'if (c) { x = e; }'.
    private static AssignmentExpressionSyntax? SoleAssignment(IfStatementSyntax test)
    {
        var statement = test.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : test.Statement;
        return test.Else is null && statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
            ? assignment
            : null;
    }

    // System.Threading.LazyInitializer.EnsureInitialized(ref target, () => value), the type reduced (and imported) where it can be.
    private static InvocationExpressionSyntax EnsureInitialized(ExpressionSyntax target, ExpressionSyntax value)
    {
        var type = ParseName(KnownTypes.Bcl.LazyInitializer).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        return InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName("EnsureInitialized")),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)),
                    Argument(ParenthesizedLambdaExpression(value.WithoutTrivia())),
                })))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    // 'private Foo _x;' → 'private volatile Foo _x;': after the other modifiers, before the type.
    private static FieldDeclarationSyntax MakeVolatile(FieldDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.VolatileKeyword))
        {
            return declaration;
        }

        if (declaration.Modifiers.Count == 0)
        {
            var type = declaration.Declaration.Type;
            return declaration
                .WithDeclaration(declaration.Declaration.WithType(type.WithLeadingTrivia(Space)))
                .WithModifiers(TokenList(Token(SyntaxKind.VolatileKeyword).WithLeadingTrivia(type.GetLeadingTrivia())));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(Token(SyntaxKind.VolatileKeyword).WithTrailingTrivia(Space)));
    }
}
