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
/// CONC404's fixes: <c>semaphore.Wait()</c> becomes <c>await semaphore.WaitAsync()</c>; a
/// <c>Monitor</c> on a private lock object becomes a <c>SemaphoreSlim(1, 1)</c> field, each
/// <c>Monitor.Enter(_gate)</c> an <c>await _gate.WaitAsync()</c> and each <c>Monitor.Exit(_gate)</c>
/// a <c>_gate.Release()</c> — offered only when that is every use of the field in its type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockHeldAcrossAwaitCodeFixProvider)), Shared]
public sealed class LockHeldAcrossAwaitCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockHeldAcrossAwait);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var fix = FixOf(diagnostic).Kind;
            if (root is null || model is null || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call
                || (fix == LockHeldAcrossAwaitFixKind.SemaphoreSlim && MonitorConversion(call, model, context.CancellationToken) is null)
                || fix is not (LockHeldAcrossAwaitFixKind.WaitAsync or LockHeldAcrossAwaitFixKind.SemaphoreSlim))
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC404_Fix_" + fix), RuleIds.LockHeldAcrossAwait + "." + fix);
        }
    }

    private static LockHeldAcrossAwaitFix FixOf(Diagnostic diagnostic) =>
        LockHeldAcrossAwaitFix.TryRead(diagnostic, out var fix) ? fix : default;

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
        var rewritten = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call || !rewritten.Add(call))
            {
                continue;
            }

            var fix = FixOf(diagnostic);
            switch (fix.Kind)
            {
                case LockHeldAcrossAwaitFixKind.WaitAsync when call.Expression is MemberAccessExpressionSyntax access:
                    editor.ReplaceNode(call, WaitAsync(access.Expression, fix.Token, call));
                    break;

                case LockHeldAcrossAwaitFixKind.SemaphoreSlim when MonitorConversion(call, model, cancellationToken) is { } conversion:
                    if (!rewritten.Add(conversion.Field))
                    {
                        break; // this field was converted for an earlier diagnostic
                    }

                    editor.ReplaceNode(conversion.Field, SemaphoreField(conversion.Field));
                    foreach (var enter in conversion.Enters)
                    {
                        rewritten.Add(enter);
                        editor.ReplaceNode(enter, WaitAsync(enter.ArgumentList.Arguments[0].Expression, null, enter));
                    }

                    foreach (var exit in conversion.Exits)
                    {
                        editor.ReplaceNode(exit, InvocationExpression(
                            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, exit.ArgumentList.Arguments[0].Expression.WithoutTrivia(), IdentifierName("Release")))
                            .WithTriviaFrom(exit));
                    }

                    break;
            }
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static ExpressionSyntax WaitAsync(ExpressionSyntax semaphore, string? token, SyntaxNode replaced)
    {
        var arguments = token is null ? ArgumentList() : ArgumentList(SingletonSeparatedList(Argument(IdentifierName(token))));
        var call = InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, semaphore.WithoutTrivia(), IdentifierName("WaitAsync")),
            arguments);
        return AwaitSyntax.Await(AwaitSyntax.AppendConfigureAwait(call, AwaitSyntax.UsesConfigureAwaitFalse(replaced)), replaced, parenthesize: false);
    }

    private static FieldDeclarationSyntax SemaphoreField(FieldDeclarationSyntax field)
    {
        var semaphoreType = ParseTypeName(KnownTypes.Bcl.SemaphoreSlim).WithAdditionalAnnotations(Simplifier.Annotation);
        var declarator = field.Declaration.Variables[0].WithInitializer(EqualsValueClause(
            ObjectCreationExpression(semaphoreType)
                .WithArgumentList(ParseArgumentList("(1, 1)"))));
        return field.WithDeclaration(field.Declaration
            .WithType(semaphoreType.WithTriviaFrom(field.Declaration.Type))
            .WithVariables(SingletonSeparatedList(declarator.WithTriviaFrom(field.Declaration.Variables[0]))));
    }

    private sealed class Conversion
    {
        public Conversion(FieldDeclarationSyntax field, List<InvocationExpressionSyntax> enters, List<InvocationExpressionSyntax> exits)
        {
            Field = field;
            Enters = enters;
            Exits = exits;
        }

        public FieldDeclarationSyntax Field { get; }

        public List<InvocationExpressionSyntax> Enters { get; }

        public List<InvocationExpressionSyntax> Exits { get; }
    }

    /// <summary>
    /// The Monitor-to-SemaphoreSlim conversion of the lock field <paramref name="enter"/> takes, or
    /// null unless it is safe: a private object field declared alone in a non-partial type, every use
    /// of which is <c>Monitor.Enter(field);</c> in async code or <c>Monitor.Exit(field);</c>.
    /// </summary>
    private static Conversion? MonitorConversion(InvocationExpressionSyntax enter, SemanticModel model, CancellationToken cancellationToken)
    {
        if (enter.ArgumentList.Arguments.Count != 1
            || model.GetSymbolInfo(enter.ArgumentList.Arguments[0].Expression, cancellationToken).Symbol is not IFieldSymbol field
            || field.DeclaringSyntaxReferences.Length != 1
            || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } }
            || fieldDeclaration.SyntaxTree != enter.SyntaxTree
            || fieldDeclaration.Parent is not TypeDeclarationSyntax type
            || type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return null;
        }

        var monitor = model.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
        var enters = new List<InvocationExpressionSyntax>();
        var exits = new List<InvocationExpressionSyntax>();
        foreach (var reference in type.DescendantNodes().OfType<IdentifierNameSyntax>().Where(i => i.Identifier.ValueText == field.Name))
        {
            if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(reference, cancellationToken).Symbol, field))
            {
                continue;
            }

            var argument = reference.Parent is MemberAccessExpressionSyntax { Name: var name } access && name == reference ? access.Parent : reference.Parent;
            if (argument is not ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax call } }
                || call.Parent is not ExpressionStatementSyntax
                || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, monitor))
            {
                return null;
            }

            switch (method.Name)
            {
                case "Enter" when model.GetOperation(call, cancellationToken) is { } operation && AsyncCode.IsInAsyncCode(operation, model.GetEnclosingSymbol(call.SpanStart, cancellationToken)!) && AsyncCode.CanAwaitAt(operation):
                    enters.Add(call);
                    break;
                case "Exit":
                    exits.Add(call);
                    break;
                default:
                    return null;
            }
        }

        return enters.Contains(enter) ? new Conversion(fieldDeclaration, enters, exits) : null;
    }
}
