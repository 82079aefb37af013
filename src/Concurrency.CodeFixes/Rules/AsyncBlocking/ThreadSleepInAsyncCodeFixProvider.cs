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
/// CONC402's fix: <c>Thread.Sleep(x)</c> becomes <c>await Task.Delay(x)</c>, passing the
/// <c>CancellationToken</c> parameter in scope; <c>Thread.Sleep(0)</c> and <c>Thread.Sleep(1)</c>
/// become <c>await Task.Yield()</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThreadSleepInAsyncCodeFixProvider)), Shared]
public sealed class ThreadSleepInAsyncCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadSleepInAsyncCode);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var fix = FixOf(diagnostic);
            if (fix.Kind == ThreadSleepInAsyncCodeFixKind.None || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC402_Fix_" + fix.Kind), RuleIds.ThreadSleepInAsyncCode);
        }
    }

    private static ThreadSleepInAsyncCodeFix FixOf(Diagnostic diagnostic) =>
        ThreadSleepInAsyncCodeFix.TryRead(diagnostic, out var fix) ? fix : default;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        foreach (var diagnostic in diagnostics)
        {
            var fix = FixOf(diagnostic);
            if (fix.Kind == ThreadSleepInAsyncCodeFixKind.None || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax sleep)
            {
                continue;
            }

            var configureAwait = AwaitSyntax.UsesConfigureAwaitFalse(sleep);
            editor.ReplaceNode(sleep, AwaitSyntax.Await(Replacement(sleep, fix, configureAwait), sleep, parenthesize: false));
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static ExpressionSyntax Replacement(InvocationExpressionSyntax sleep, ThreadSleepInAsyncCodeFix fix, bool configureAwait)
    {
        // System.Threading.Tasks.Task, reduced to Task where the namespace is imported.
        var task = ParseExpression(KnownTypes.Bcl.Task).WithAdditionalAnnotations(Simplifier.Annotation);
        if (fix.Kind == ThreadSleepInAsyncCodeFixKind.Yield)
        {
            return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, IdentifierName("Yield")));
        }

        var arguments = sleep.ArgumentList;
        if (fix.Token is { } token)
        {
            arguments = arguments.AddArguments(Argument(IdentifierName(token)));
        }

        return AwaitSyntax.AppendConfigureAwait(
            InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, IdentifierName("Delay")), arguments),
            configureAwait);
    }
}
