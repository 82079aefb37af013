using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.AsyncBlocking;

/// <summary>
/// CONC401's fix: <c>t.Result</c>, <c>t.Wait()</c> and <c>t.GetAwaiter().GetResult()</c> become
/// <c>await t</c>; <c>t.Wait(ct)</c> becomes <c>await t.WaitAsync(ct)</c>; <c>Task.WaitAll</c> and
/// an unused <c>Task.WaitAny</c> become <c>await Task.WhenAll/WhenAny</c>. The analyzer decides
/// which rewrite is safe; this provider only applies it. <c>ConfigureAwait(false)</c> is added when
/// every other <c>await</c> of the type uses it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingTaskWaitCodeFixProvider)), Shared]
public sealed class BlockingTaskWaitCodeFixProvider : RewriteCodeFixProvider
{
    private const string EquivalenceKey = RuleIds.BlockingTaskWait;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockingTaskWait, RuleIds.BlockingCallInHub);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var fix = FixOf(diagnostic);
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (fix == BlockingTaskWaitFixKind.None || !CanRewrite(node, fix))
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC401_Fix_" + fix), EquivalenceKey);
        }
    }

    private static BlockingTaskWaitFixKind FixOf(Diagnostic diagnostic) =>
        BlockingTaskWaitFix.TryRead(diagnostic, out var fix) ? fix.Kind : BlockingTaskWaitFixKind.None;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);

        // Innermost first, so an outer rewrite sees the inner one in its receiver.
        foreach (var (node, fix) in diagnostics
            .Select(d => (Node: root.FindNode(d.Location.SourceSpan, getInnermostNodeForTie: true), Fix: FixOf(d)))
            .Where(x => x.Fix != BlockingTaskWaitFixKind.None && CanRewrite(x.Node, x.Fix))
            .OrderBy(x => x.Node.Span.Length))
        {
            var parenthesize = AwaitSyntax.NeedsParentheses(node);
            var configureAwait = AwaitSyntax.UsesConfigureAwaitFalse(node);
            editor.ReplaceNode(node, (current, _) => Rewrite(current, fix, parenthesize, configureAwait));
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    /// <summary>Whether the node has the shape the rewrite expects (the analyzer's location is the whole wait).</summary>
    private static bool CanRewrite(SyntaxNode node, BlockingTaskWaitFixKind fix) => fix switch
    {
        BlockingTaskWaitFixKind.Await => node is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression }
            || node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } },
        BlockingTaskWaitFixKind.AwaitFuture => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } },
        BlockingTaskWaitFixKind.WaitAsync => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: IdentifierNameSyntax } },
        BlockingTaskWaitFixKind.WhenAll or BlockingTaskWaitFixKind.WhenAny => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: IdentifierNameSyntax } or IdentifierNameSyntax },
        _ => false,
    };

    private static SyntaxNode Rewrite(SyntaxNode current, BlockingTaskWaitFixKind fix, bool parenthesize, bool configureAwait)
    {
        ExpressionSyntax awaited;
        switch (fix)
        {
            case BlockingTaskWaitFixKind.Await when current is MemberAccessExpressionSyntax result:
                awaited = AwaitSyntax.AppendConfigureAwait(result.Expression, configureAwait);
                break;
            case BlockingTaskWaitFixKind.Await when current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax call }:
                // t.Wait() or t.GetAwaiter().GetResult()
                awaited = call.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter }
                    ? getAwaiter.Expression
                    : AwaitSyntax.AppendConfigureAwait(call.Expression, configureAwait);
                break;
            case BlockingTaskWaitFixKind.AwaitFuture when current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax result }:
                // future.Result() → await future; a future has no ConfigureAwait, its task has.
                awaited = configureAwait
                    ? AwaitSyntax.AppendConfigureAwait(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, result.Expression, IdentifierName("AsTask"))), configureAwait)
                    : result.Expression;
                break;
            case BlockingTaskWaitFixKind.WaitAsync when current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax wait } invocation:
                awaited = AwaitSyntax.AppendConfigureAwait(
                    invocation.WithExpression(wait.WithName(IdentifierName("WaitAsync").WithTriviaFrom(wait.Name))),
                    configureAwait);
                break;
            case BlockingTaskWaitFixKind.WhenAll or BlockingTaskWaitFixKind.WhenAny when current is InvocationExpressionSyntax invocation:
                var name = fix == BlockingTaskWaitFixKind.WhenAll ? "WhenAll" : "WhenAny";
                awaited = AwaitSyntax.AppendConfigureAwait(
                    invocation.WithExpression(invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access => access.WithName(IdentifierName(name).WithTriviaFrom(access.Name)),
                        var identifier => IdentifierName(name).WithTriviaFrom(identifier),
                    }),
                    configureAwait);
                break;
            default:
                return current;
        }

        return AwaitSyntax.Await(awaited, current, parenthesize);
    }
}
