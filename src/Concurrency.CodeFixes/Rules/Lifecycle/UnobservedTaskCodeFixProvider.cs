using System.Composition;
using Concurrency.Analyzers.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC204's fixes: a task dropped in synchronous code is kept in a local and waited for at the end
/// of the function (<c>task.GetAwaiter().GetResult()</c>, which rethrows the task's own exception);
/// a local nobody observes is awaited (async code) or waited for (synchronous code) there; a
/// <c>Task.Factory.StartNew(async …)</c> is unwrapped. "At the end" is before a last
/// <c>return</c> or <c>throw</c>; the waits keep the order of the tasks. A runtime future is read
/// there instead (<c>future.Result()</c>, which rethrows the work's exception). The dropped results
/// of an executor's <c>Map(…)</c> are read in place: <c>foreach (var result in pool.Map(…)) { }</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnobservedTaskCodeFixProvider)), Shared]
public sealed class UnobservedTaskCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnobservedTask);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is not null && Site(root, diagnostic) is { } site)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC204_Fix_" + site.Kind), RuleIds.UnobservedTask + site.Kind);
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
        var waits = new Dictionary<BlockSyntax, List<StatementSyntax>>();
        var replacements = new List<(SyntaxNode Old, SyntaxNode New)>();
        var names = new FreshNames();
        foreach (var site in diagnostics.Select(d => Site(root, d)).OfType<FixSite>().OrderBy(s => s.Node.SpanStart))
        {
            switch (site.Kind)
            {
                case UnobservedTaskFixKind.Unwrap:
                    var startNew = (InvocationExpressionSyntax)site.Node;
                    replacements.Add((startNew, InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, startNew.WithoutTrailingTrivia(), IdentifierName("Unwrap")))
                        .WithTrailingTrivia(startNew.GetTrailingTrivia())));
                    break;
                case UnobservedTaskFixKind.EnumerateResults when site.Node is ExpressionStatementSyntax mapped:
                    replacements.Add((mapped, ForEachStatement(IdentifierName("var"), Identifier(names.Take(mapped, "result")), mapped.Expression.WithoutTrivia(), Block())
                        .WithTriviaFrom(mapped).WithAdditionalAnnotations(Formatter.Annotation)));
                    break;
                case UnobservedTaskFixKind.WaitAtEnd or UnobservedTaskFixKind.ResultAtEnd when site.Node is ExpressionStatementSyntax dropped && dropped.Parent is BlockSyntax block:
                    var isFuture = site.Kind == UnobservedTaskFixKind.ResultAtEnd;
                    var name = names.Take(dropped, isFuture ? "future" : "task");
                    replacements.Add((dropped, LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                            VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(dropped.Expression.WithoutTrivia())))))
                        .WithTriviaFrom(dropped)));
                    var conditional = dropped.Expression is ConditionalAccessExpressionSyntax;
                    waits.AddToList(block, isFuture ? ReadResult(name, conditional) : Wait(name, conditional));
                    break;
                case UnobservedTaskFixKind.WaitAtEnd or UnobservedTaskFixKind.AwaitAtEnd or UnobservedTaskFixKind.ResultAtEnd when site.Node is VariableDeclaratorSyntax { Parent.Parent.Parent: BlockSyntax block } local:
                    var localName = local.Identifier.ValueText;
                    waits.AddToList(block, site.Kind switch
                    {
                        UnobservedTaskFixKind.AwaitAtEnd => ExpressionStatement(AwaitExpression(IdentifierName(localName))),
                        UnobservedTaskFixKind.ResultAtEnd => ReadResult(localName, conditional: false),
                        _ => Wait(localName, conditional: false),
                    });
                    break;
            }
        }

        foreach (var pair in waits)
        {
            var block = pair.Key;
            var formatted = pair.Value.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
            if (block.Statements.LastOrDefault() is ReturnStatementSyntax or ThrowStatementSyntax && block.Statements.Last() is var last)
            {
                editor.InsertBefore(last, formatted);
            }
            else if (block.Statements.LastOrDefault() is { } final)
            {
                editor.InsertAfter(final, formatted);
            }
        }

        // After the insertions, which are placed relative to statements that may be replaced.
        foreach (var (old, replacement) in replacements)
        {
            editor.ReplaceNode(old, replacement);
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    // task.GetAwaiter().GetResult(); — or task?.GetAwaiter().GetResult(); for a task that may not have run.
    private static StatementSyntax Wait(string name, bool conditional)
    {
        ExpressionSyntax task = IdentifierName(name);
        ExpressionSyntax getAwaiter = conditional ? MemberBindingExpression(IdentifierName("GetAwaiter")) : MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, IdentifierName("GetAwaiter"));
        ExpressionSyntax getResult = InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, InvocationExpression(getAwaiter), IdentifierName("GetResult")));
        return ExpressionStatement(conditional ? ConditionalAccessExpression(task, getResult) : getResult);
    }

    // future.Result(); — which rethrows the work's exception — or future?.Result(); for a future that may not exist.
    private static StatementSyntax ReadResult(string name, bool conditional)
    {
        ExpressionSyntax future = IdentifierName(name);
        return ExpressionStatement(conditional
            ? ConditionalAccessExpression(future, InvocationExpression(MemberBindingExpression(IdentifierName("Result"))))
            : InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, future, IdentifierName("Result"))));
    }

    private static FixSite? Site(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!UnobservedTaskFix.TryRead(diagnostic, out var fix) || fix.Kind == UnobservedTaskFixKind.None)
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return fix.Kind switch
        {
            UnobservedTaskFixKind.Unwrap => node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } call && call.Span == diagnostic.Location.SourceSpan ? new FixSite(fix.Kind, call) : null,
            // The dropped call is reported; the statement around it is rewritten.
            _ when node.FirstAncestorOrSelf<VariableDeclaratorSyntax>() is { } local && local.Identifier.Span == diagnostic.Location.SourceSpan => new FixSite(fix.Kind, local),
            UnobservedTaskFixKind.WaitAtEnd or UnobservedTaskFixKind.ResultAtEnd or UnobservedTaskFixKind.EnumerateResults => node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is { Parent: BlockSyntax } statement ? new FixSite(fix.Kind, statement) : null,
            _ => null,
        };
    }

    private sealed class FixSite
    {
        public FixSite(UnobservedTaskFixKind kind, SyntaxNode node)
        {
            Kind = kind;
            Node = node;
        }

        public UnobservedTaskFixKind Kind { get; }

        public SyntaxNode Node { get; }
    }
}
