using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.AsyncBlocking;

/// <summary>
/// CONC405's own fix: <c>Thread.Sleep(ms)</c> in a hub coroutine becomes
/// <c>await Hub.Sleep(TimeSpan.FromMilliseconds(ms))</c> (a <c>TimeSpan</c> passed as is), the
/// hub's cooperative sleep; a synchronous coroutine lambda ending in <c>return Task.CompletedTask;</c>
/// is made <c>async</c> and that return dropped. CONC405's waits on tasks are rewritten by CONC401's
/// fixer and its calls with an async counterpart by CONC403's: the diagnostic carries their contract.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingCallInHubCodeFixProvider)), Shared]
public sealed class BlockingCallInHubCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockingCallInHub);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Target(root, diagnostic) is { } target)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC405_Fix_" + target.Fix.Kind), RuleIds.BlockingCallInHub);
            }
        }
    }

    private static (InvocationExpressionSyntax Sleep, BlockingCallInHubFix Fix)? Target(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!BlockingCallInHubFix.TryRead(diagnostic, out var fix) || fix.Kind == BlockingCallInHubFixKind.None
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep)
        {
            return null;
        }

        return fix.Kind == BlockingCallInHubFixKind.HubSleepMakingLambdaAsync && Lambda(sleep) is null ? null : (sleep, fix);
    }

    private static AnonymousFunctionExpressionSyntax? Lambda(SyntaxNode sleep) =>
        sleep.Parent is ExpressionStatementSyntax { Parent: BlockSyntax { Parent: AnonymousFunctionExpressionSyntax lambda } } ? lambda : null;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        var lambdas = new HashSet<AnonymousFunctionExpressionSyntax>();
        foreach (var (sleep, fix) in diagnostics.Select(d => Target(root, d)).OfType<(InvocationExpressionSyntax Sleep, BlockingCallInHubFix Fix)>())
        {
            // No ConfigureAwait(false): the coroutine must resume on the hub's thread.
            editor.ReplaceNode(sleep, AwaitSyntax.Await(HubSleep(sleep, fix), sleep, parenthesize: false));
            if (fix.Kind == BlockingCallInHubFixKind.HubSleepMakingLambdaAsync)
            {
                lambdas.Add(Lambda(sleep)!);
            }
        }

        // After the sleeps, so that each lambda is rewritten once, around its rewritten statements.
        foreach (var lambda in lambdas)
        {
            editor.ReplaceNode(lambda, (current, _) => MakeAsync((AnonymousFunctionExpressionSyntax)current));
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static ExpressionSyntax HubSleep(InvocationExpressionSyntax sleep, BlockingCallInHubFix fix)
    {
        var argument = sleep.ArgumentList.Arguments[0].Expression.WithoutTrivia();
        var delay = fix.PassesTimeSpan
            ? argument
            : InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Simplified(KnownTypes.Bcl.TimeSpan), IdentifierName("FromMilliseconds")),
                ArgumentList(SingletonSeparatedList(Argument(argument))));
        return InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Simplified(KnownTypes.Runtime.Hub), IdentifierName("Sleep")),
            ArgumentList(SingletonSeparatedList(Argument(delay))));
    }

    // System.TimeSpan, Concurrency.Runtime.Coroutines.Hub: reduced to the short name where the namespace is imported.
    private static ExpressionSyntax Simplified(string metadataName) =>
        ParseExpression("global::" + metadataName).WithAdditionalAnnotations(Simplifier.Annotation);

    // () => { …; return Task.CompletedTask; } → async () => { … }
    private static SyntaxNode MakeAsync(AnonymousFunctionExpressionSyntax lambda)
    {
        if (lambda.Block is { Statements.Count: > 0 } block && block.Statements[block.Statements.Count - 1] is ReturnStatementSyntax last)
        {
            lambda = lambda.WithBody(block.WithStatements(block.Statements.Remove(last)));
        }

        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
        {
            return lambda;
        }

        var leading = lambda.GetLeadingTrivia();
        var asyncKeyword = Token(SyntaxKind.AsyncKeyword).WithLeadingTrivia(leading).WithTrailingTrivia(Space);
        return lambda.WithoutLeadingTrivia() switch
        {
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithAsyncKeyword(asyncKeyword),
            SimpleLambdaExpressionSyntax simple => simple.WithAsyncKeyword(asyncKeyword),
            AnonymousMethodExpressionSyntax anonymous => anonymous.WithAsyncKeyword(asyncKeyword),
            var other => other,
        };
    }
}
