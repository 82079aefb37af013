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
/// CONC403's fix: <c>x.M(args)</c> becomes <c>await x.MAsync(args[, token])</c>, keeping how the
/// value is used (parenthesized where needed), the cancellation token in scope passed along.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SyncCallWithAsyncCounterpartCodeFixProvider)), Shared]
public sealed class SyncCallWithAsyncCounterpartCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SyncCallWithAsyncCounterpart, RuleIds.BlockingCallThroughMethods, RuleIds.BlockingCallInHub);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || Target(root, diagnostic) is not { } target)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC403_Fix").Replace("{0}", target.Fix.Counterpart), diagnostic.Id);
        }
    }

    private static (InvocationExpressionSyntax Call, SyncCallWithAsyncCounterpartFix Fix)? Target(SyntaxNode root, Diagnostic diagnostic) =>
        SyncCallWithAsyncCounterpartFix.TryRead(diagnostic, out var fix) && fix.Kind == SyncCallWithAsyncCounterpartFixKind.AwaitCounterpart
        && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax call
            ? (call, fix)
            : null;

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        foreach (var (call, fix) in diagnostics
            .Select(d => Target(root, d))
            .OfType<(InvocationExpressionSyntax Call, SyncCallWithAsyncCounterpartFix Fix)>()
            .OrderBy(x => x.Call.Span.Length))
        {
            var parenthesize = AwaitSyntax.NeedsParentheses(call);
            var configureAwait = AwaitSyntax.UsesConfigureAwaitFalse(call);
            editor.ReplaceNode(call, (current, _) => current is InvocationExpressionSyntax currentCall
                ? AwaitSyntax.Await(AwaitSyntax.AppendConfigureAwait(Rewrite(currentCall, fix), configureAwait), currentCall, parenthesize)
                : current);
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax call, SyncCallWithAsyncCounterpartFix fix)
    {
        var renamed = call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(Rename(access.Name, fix.Counterpart)),
            SimpleNameSyntax name => Rename(name, fix.Counterpart),
            var other => other,
        };
        var arguments = call.ArgumentList;
        if (fix.PassesCancellationTokenNone)
        {
            arguments = arguments.AddArguments(Argument(ParseExpression(KnownTypes.Bcl.CancellationToken + ".None").WithAdditionalAnnotations(Simplifier.Annotation)));
        }
        else if (fix.Token is { } token)
        {
            arguments = arguments.AddArguments(Argument(IdentifierName(token)));
        }

        return call.WithExpression(renamed).WithArgumentList(arguments);
    }

    private static SimpleNameSyntax Rename(SimpleNameSyntax name, string newName) => name switch
    {
        GenericNameSyntax generic => generic.WithIdentifier(Identifier(newName).WithTriviaFrom(generic.Identifier)),
        _ => IdentifierName(Identifier(newName).WithTriviaFrom(name.Identifier)),
    };
}
