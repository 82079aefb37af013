using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC202's fix: two loops. The join in the loop becomes <c>workers.Add(w)</c> into a
/// <c>List&lt;T&gt;</c> declared before the loop, and after the loop a <c>foreach</c> joins each one
/// (threads, processes) or <c>Task.WaitAll(tasks.ToArray())</c> waits for all (tasks).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SerialStartJoinCodeFixProvider)), Shared]
public sealed class SerialStartJoinCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SerialStartJoin);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixOf(diagnostic) is { Kind: not SerialStartJoinFixKind.None } fix && root is not null && Find(root, diagnostic) is not null)
            {
                Register(context, diagnostic, CodeFixResources.Get("CONC202_Fix_" + fix.Kind), RuleIds.SerialStartJoin);
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

        var edit = new TwoLoops.Edit(root, document);
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (FixOf(diagnostic) is not { Kind: not SerialStartJoinFixKind.None, ElementType: { } elementType } fix || Find(root, diagnostic) is not var (statement, worker, join, anchor))
            {
                continue;
            }

            var element = ParseTypeName(elementType);
            var baseName = fix.Kind == SerialStartJoinFixKind.WaitAll ? "task" : SingularName(element);
            var list = edit.Names.Take(anchor, TwoLoops.Plural(baseName));
            edit.Collect(anchor, list, elementType, statement, worker);
            edit.WaitAfter(anchor, fix.Kind == SerialStartJoinFixKind.WaitAll
                ? ExpressionStatement(TwoLoops.Call(TwoLoops.TaskType(), "WaitAll", TwoLoops.Call(IdentifierName(list), "ToArray")))
                : JoinEach(list, edit.Names.Take(anchor, baseName), join));
        }

        return document.WithSyntaxRoot(edit.ChangedRoot());
    }

    private static SerialStartJoinFix FixOf(Diagnostic diagnostic) =>
        SerialStartJoinFix.TryRead(diagnostic, out var fix) ? fix : SerialStartJoinFix.None;

    // The join's statement, the worker it waits for, the join's name, and the statement the loop is
    // (or its global statement), which the list goes before and the joins after.
    private static (ExpressionStatementSyntax Statement, ExpressionSyntax Worker, string Join, SyntaxNode Anchor)? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not
            { Expression: MemberAccessExpressionSyntax access, Parent: ExpressionStatementSyntax statement } invocation
            || statement.Expression != invocation)
        {
            return null;
        }

        // '….GetAwaiter().GetResult()' waits for the receiver of GetAwaiter.
        var worker = access.Name.Identifier.ValueText == "GetResult" && access.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax awaiter }
            ? awaiter.Expression
            : access.Expression;
        return TwoLoops.AnchorOf(statement) is { } anchor ? (statement, worker, access.Name.Identifier.ValueText, anchor) : null;
    }

    private static ForEachStatementSyntax JoinEach(string list, string variable, string join) =>
        ForEachStatement(IdentifierName("var"), Identifier(variable), IdentifierName(list), Block(ExpressionStatement(TwoLoops.Call(IdentifierName(variable), join))));

    // 'thread' for Thread, 'process' for Process; 'worker' for a generic or unusual name.
    private static string SingularName(TypeSyntax type)
    {
        var name = type switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        return name is IdentifierNameSyntax { Identifier.ValueText: { Length: > 0 } text } && char.IsUpper(text[0])
            ? char.ToLowerInvariant(text[0]) + text.Substring(1)
            : "worker";
    }
}
