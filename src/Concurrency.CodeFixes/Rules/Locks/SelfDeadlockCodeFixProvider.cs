using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Locks;

/// <summary>
/// CONC102's fix for the runtime's <c>Lock</c>: the field becomes an <c>RLock</c>, which the thread
/// that holds it may acquire again (it counts, and is free after as many releases).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SelfDeadlockCodeFixProvider)), Shared]
public sealed class SelfDeadlockCodeFixProvider : RewriteCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SelfDeadlock);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FieldAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC102_Fix"), RuleIds.SelfDeadlock);
        }
    }

    /// <summary>The declaration (in this document) of the runtime Lock field the diagnostic is about.</summary>
    private static async Task<VariableDeclarationSyntax?> FieldAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!SelfDeadlockFix.TryRead(diagnostic, out var fix) || fix.Kind != SelfDeadlockFixKind.RLock
            || diagnostic.AdditionalLocations.Count == 0)
        {
            return null;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        // The acquisition that holds the lock names the field.
        var runtimeLock = model.Compilation.GetTypeByMetadataName(KnownTypes.Runtime.Lock);
        var acquisition = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
        var field = acquisition.DescendantNodesAndSelf().OfType<ExpressionSyntax>()
            .Select(e => model.GetSymbolInfo(e, cancellationToken).Symbol)
            .OfType<IFieldSymbol>()
            .FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.Type, runtimeLock));
        return field?.DeclaringSyntaxReferences.Length == 1
            && field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration }
            && declaration.SyntaxTree == root.SyntaxTree
            && ToRLock(declaration.Type) != declaration.Type // a type written through an alias is left to a person
                ? declaration
                : null;
    }

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var declarations = new HashSet<VariableDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (await FieldAsync(document, diagnostic, cancellationToken).ConfigureAwait(false) is { } declaration)
            {
                declarations.Add(declaration);
            }
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null
            ? document
            : document.WithSyntaxRoot(root.ReplaceNodes(declarations, (_, current) => current
                .WithType(ToRLock(current.Type))
                .WithVariables(SeparatedList(current.Variables.Select(v => v.Initializer?.Value is ObjectCreationExpressionSyntax creation
                    ? v.WithInitializer(v.Initializer.WithValue(creation.WithType(ToRLock(creation.Type))))
                    : v)))));
    }

    // Lock → RLock, Concurrency.Runtime.Threading.Lock → Concurrency.Runtime.Threading.RLock.
    private static TypeSyntax ToRLock(TypeSyntax type) => type switch
    {
        IdentifierNameSyntax name when name.Identifier.ValueText == "Lock" => IdentifierName("RLock").WithTriviaFrom(name),
        QualifiedNameSyntax { Right.Identifier.ValueText: "Lock" } qualified => qualified.WithRight(IdentifierName("RLock").WithTriviaFrom(qualified.Right)),
        AliasQualifiedNameSyntax { Name.Identifier.ValueText: "Lock" } alias => alias.WithName(IdentifierName("RLock").WithTriviaFrom(alias.Name)),
        _ => type,
    };
}
