using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.Locks;

/// <summary>
/// CONC104's fix: a <c>private readonly object _gate = new object();</c> field (a
/// <c>System.Threading.Lock</c> where the framework has it, C# 13+ and only <c>lock</c> statements
/// use it), and every <c>lock (x)</c> and <c>Monitor.*(x, ...)</c> of the type (not of its nested
/// types) on the same expression moved to it — all of them at once, or the type would lock two
/// different objects. The gate's name is one the type, its base types and its code do not use.
/// Not offered for partial types, whose other parts the fix cannot see.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SharedLockObjectCodeFixProvider)), Shared]
public sealed class SharedLockObjectCodeFixProvider : RewriteCodeFixProvider
{
    private static readonly string[] MonitorMethods = { "Enter", "TryEnter", "Exit", "Wait", "Pulse", "PulseAll", "IsEntered" };

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SharedLockObject);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || Target(root, diagnostic) is null)
            {
                continue;
            }

            Register(context, diagnostic, CodeFixResources.Get("CONC104_Fix"), RuleIds.SharedLockObject);
        }
    }

    private static (ExpressionSyntax Locked, TypeDeclarationSyntax Type)? Target(SyntaxNode root, Diagnostic diagnostic) =>
        SharedLockObjectFix.TryRead(diagnostic, out var fix) && fix.Kind == SharedLockObjectFixKind.PrivateGate
        && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax locked
        && locked.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type
        && !type.Modifiers.Any(SyntaxKind.PartialKeyword)
            ? (locked, type)
            : null;

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
        var done = new HashSet<(TypeDeclarationSyntax, string)>();
        var namesTaken = new Dictionary<TypeDeclarationSyntax, HashSet<string>>();
        foreach (var diagnostic in diagnostics)
        {
            if (Target(root, diagnostic) is not var (locked, type) || !done.Add((type, Key(locked))))
            {
                continue;
            }

            var sites = Sites(type, Key(locked), model, cancellationToken);
            if (!namesTaken.TryGetValue(type, out var taken))
            {
                taken = NamesTaken(type, model, cancellationToken);
                namesTaken[type] = taken;
            }

            var name = Enumerable.Range(1, 100).Select(i => i == 1 ? "_gate" : "_gate" + i).First(n => !taken.Contains(n));
            taken.Add(name);
            var isStatic = !locked.IsKind(SyntaxKind.ThisExpression)
                && (model.GetSymbolInfo(locked, cancellationToken).Symbol is { IsStatic: true }
                    || locked is TypeOfExpressionSyntax or LiteralExpressionSyntax
                    || sites.Any(s => s.Site.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member && member.Modifiers.Any(SyntaxKind.StaticKeyword)));
            var useLockType = sites.All(s => s.IsLockStatement) && LockTypeAvailable(model, locked);
            editor.InsertMembers(type, 0, new[] { GateFields.Declaration(name, isStatic, useLockType) });
            foreach (var (expression, _, _) in sites)
            {
                editor.ReplaceNode(expression, IdentifierName(name).WithTriviaFrom(expression));
            }
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static string Key(ExpressionSyntax expression) =>
        new string(expression.WithoutTrivia().ToString().Where(c => !char.IsWhiteSpace(c)).ToArray());

    /// <summary>
    /// Names the gate must not take: the type's members, the non-private members of its base types
    /// (the gate would hide them), and any name its code uses (an outer type's member, say), which the
    /// gate would capture.
    /// </summary>
    private static HashSet<string> NamesTaken(TypeDeclarationSyntax type, SemanticModel model, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(type.Members.SelectMany(MemberNames));
        taken.UnionWith(type.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        for (var baseType = model.GetDeclaredSymbol(type, cancellationToken)?.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            taken.UnionWith(baseType.GetMembers().Where(m => m.DeclaredAccessibility != Accessibility.Private).Select(m => m.Name));
        }

        return taken;
    }

    /// <summary>
    /// Every <c>lock</c> statement and Monitor call of the type on the same expression — not of its
    /// nested types: their <c>this</c> is another object, and they get a gate of their own.
    /// </summary>
    private static List<(ExpressionSyntax Expression, SyntaxNode Site, bool IsLockStatement)> Sites(TypeDeclarationSyntax type, string key, SemanticModel model, CancellationToken cancellationToken)
    {
        var monitor = model.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
        var sites = new List<(ExpressionSyntax, SyntaxNode, bool)>();
        foreach (var node in type.DescendantNodes(n => n == type || n is not BaseTypeDeclarationSyntax))
        {
            switch (node)
            {
                case LockStatementSyntax lockStatement when Key(lockStatement.Expression) == key:
                    sites.Add((lockStatement.Expression, lockStatement, true));
                    break;
                case InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } call
                    when call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var method }
                        && MonitorMethods.Contains(method)
                        && Key(call.ArgumentList.Arguments[0].Expression) == key
                        && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol target
                        && SymbolEqualityComparer.Default.Equals(target.ContainingType, monitor):
                    sites.Add((call.ArgumentList.Arguments[0].Expression, call, false));
                    break;
            }
        }

        return sites;
    }

    // System.Threading.Lock (.NET 9) is what 'lock' is best on, from C# 13; Monitor calls need an object.
    private static bool LockTypeAvailable(SemanticModel model, SyntaxNode node) =>
        model.Compilation.GetTypeByMetadataName(KnownTypes.Bcl9.Lock) is not null
        && node.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= (LanguageVersion)1300 };

    private static IEnumerable<string> MemberNames(MemberDeclarationSyntax member) => member switch
    {
        BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        PropertyDeclarationSyntax property => new[] { property.Identifier.ValueText },
        MethodDeclarationSyntax method => new[] { method.Identifier.ValueText },
        BaseTypeDeclarationSyntax nested => new[] { nested.Identifier.ValueText },
        EventDeclarationSyntax e => new[] { e.Identifier.ValueText },
        _ => Array.Empty<string>(),
    };
}
