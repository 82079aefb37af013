using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC208's fix, where the analyzer found the async counterpart: <c>Parallel.ForEach(source, async x => …)</c>
/// becomes <c>await Parallel.ForEachAsync(source, async (x, ct) => …)</c>, and <c>Parallel.For(from, to, async i => …)</c>
/// becomes <c>await Parallel.ForAsync(from, to, async (i, ct) => …)</c>; the lambda gets a
/// <c>CancellationToken</c> parameter under a name the member does not use yet.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncLambdaAsVoidDelegateCodeFixProvider)), Shared]
public sealed class AsyncLambdaAsVoidDelegateCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AsyncLambdaAsVoidDelegate);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var kind = KindOf(diagnostic);
            if (kind != AsyncLambdaAsVoidDelegateFixKind.None && root is not null && Find(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC208_Fix_" + kind), RuleIds.AsyncLambdaAsVoidDelegate);
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
        var names = new FreshNames();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var kind = KindOf(diagnostic);
            if (kind == AsyncLambdaAsVoidDelegateFixKind.None || Find(root, diagnostic) is not var (call, index))
            {
                continue;
            }

            var token = names.Take(call, "ct");
            var configureAwait = AwaitSyntax.UsesConfigureAwaitFalse(call);
            var name = kind == AsyncLambdaAsVoidDelegateFixKind.ForEachAsync ? "ForEachAsync" : "ForAsync";
            editor.ReplaceNode(call, (current, _) => current is InvocationExpressionSyntax invocation && index < invocation.ArgumentList.Arguments.Count
                ? AwaitSyntax.Await(AwaitSyntax.AppendConfigureAwait(Rewrite(invocation, index, name, token), configureAwait), invocation, parenthesize: false)
                : current);
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static AsyncLambdaAsVoidDelegateFixKind KindOf(Diagnostic diagnostic) =>
        AsyncLambdaAsVoidDelegateFix.TryRead(diagnostic, out var fix) ? fix.Kind : AsyncLambdaAsVoidDelegateFixKind.None;

    // The Parallel call and the index of the lambda's argument: the diagnostic is on the 'async' keyword.
    private static (InvocationExpressionSyntax Call, int Index)? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
        return token.IsKind(SyntaxKind.AsyncKeyword)
            && token.Parent is AnonymousFunctionExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } call } list } argument }
            ? (call, list.Arguments.IndexOf(argument))
            : null;
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax call, int index, string name, string token)
    {
        var expression = call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(Renamed(access.Name, name)),
            SimpleNameSyntax simple => Renamed(simple, name),
            var other => other,
        };
        var argument = call.ArgumentList.Arguments[index];
        var lambda = argument.Expression is AnonymousFunctionExpressionSyntax function ? WithToken(function, token) : argument.Expression;
        return call.WithExpression(expression)
            .WithArgumentList(call.ArgumentList.WithArguments(call.ArgumentList.Arguments.Replace(argument, argument.WithExpression(lambda))));
    }

    private static SimpleNameSyntax Renamed(SimpleNameSyntax name, string newName) =>
        name.WithIdentifier(Identifier(name.Identifier.LeadingTrivia, newName, name.Identifier.TrailingTrivia));

    // The lambda with a CancellationToken parameter last: typed where its other parameters are.
    private static ExpressionSyntax WithToken(AnonymousFunctionExpressionSyntax function, string token)
    {
        switch (function)
        {
            case SimpleLambdaExpressionSyntax simple:
                var parameter = simple.Parameter;
                var list = ParameterList(
                    Token(SyntaxKind.OpenParenToken).WithLeadingTrivia(parameter.GetLeadingTrivia()),
                    Append(SingletonSeparatedList(parameter.WithoutTrivia()), Parameter(Identifier(token))),
                    Token(SyntaxKind.CloseParenToken).WithTrailingTrivia(parameter.GetTrailingTrivia()));
                return ParenthesizedLambdaExpression()
                    .WithAttributeLists(simple.AttributeLists)
                    .WithModifiers(simple.Modifiers)
                    .WithParameterList(list)
                    .WithArrowToken(simple.ArrowToken)
                    .WithBlock(simple.Block)
                    .WithExpressionBody(simple.ExpressionBody);
            case ParenthesizedLambdaExpressionSyntax parenthesized:
                var typed = parenthesized.ParameterList.Parameters.Any(p => p.Type is not null);
                return parenthesized.WithParameterList(parenthesized.ParameterList.WithParameters(
                    Append(parenthesized.ParameterList.Parameters, TokenParameter(token, typed))));
            case AnonymousMethodExpressionSyntax { ParameterList: { } parameters } anonymous:
                return anonymous.WithParameterList(parameters.WithParameters(Append(parameters.Parameters, TokenParameter(token, typed: true))));
            default:
                // 'delegate { … }' without a parameter list converts to any delegate type as it is.
                return function;
        }
    }

    private static ParameterSyntax TokenParameter(string name, bool typed) =>
        typed
            ? Parameter(Identifier(name)).WithType(ParseTypeName("global::" + KnownTypes.Bcl.CancellationToken).WithAdditionalAnnotations(Simplifier.Annotation).WithTrailingTrivia(Space))
            : Parameter(Identifier(name));

    private static SeparatedSyntaxList<ParameterSyntax> Append(SeparatedSyntaxList<ParameterSyntax> parameters, ParameterSyntax parameter)
    {
        var items = new List<SyntaxNodeOrToken>(parameters.GetWithSeparators());
        if (items.Count > 0)
        {
            items.Add(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space));
        }

        items.Add(parameter);
        return SeparatedList<ParameterSyntax>(items);
    }
}
