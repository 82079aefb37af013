using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Rules.SharedState;

/// <summary>
/// CONC303's fix. Where every use of the local or private field exists on the concurrent counterpart,
/// its type becomes that counterpart (<c>List&lt;T&gt;</c> → <c>ConcurrentBag&lt;T&gt;</c>,
/// <c>Queue&lt;T&gt;</c> → <c>ConcurrentQueue&lt;T&gt;</c>, <c>Stack&lt;T&gt;</c> →
/// <c>ConcurrentStack&lt;T&gt;</c>, <c>Dictionary&lt;K,V&gt;</c> → <c>ConcurrentDictionary&lt;K,V&gt;</c>
/// with <c>d.Add(k, v)</c> → <c>d.TryAdd(k, v)</c> and <c>if (!d.ContainsKey(k)) d.Add(k, v);</c> →
/// <c>d.TryAdd(k, v);</c>), with <c>using System.Collections.Concurrent;</c> when the name is not in
/// scope. Otherwise the mutating statement is wrapped in a lock (<see cref="LockScopes"/>): the
/// type's existing gate, or a new <c>private readonly object _gate</c> (<see cref="GateFields"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsafeCollectionCodeFixProvider)), Shared]
public sealed class UnsafeCollectionCodeFixProvider : RewriteCodeFixProvider
{
    private const string ConcurrentNamespace = "System.Collections.Concurrent";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsafeCollection);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !UnsafeCollectionFix.TryRead(diagnostic, out var fix))
            {
                continue;
            }

            if (fix.Kind == UnsafeCollectionFixKind.ConcurrentType && TypeNodes(root, fix) is not null)
            {
                Register(context, diagnostic, string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC303_Fix_Type"), fix.Counterpart), RuleIds.UnsafeCollection);
            }
            else if (fix.Kind is UnsafeCollectionFixKind.Lock or UnsafeCollectionFixKind.Hold or UnsafeCollectionFixKind.NewGate && LockSite(root, diagnostic, fix) is not null)
            {
                Register(context, diagnostic, string.Format(CultureInfo.InvariantCulture, CodeFixResources.Get("CONC305_Fix_Lock"), fix.Gate), RuleIds.UnsafeCollection);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var changes = new List<(UnsafeCollectionFix Fix, (List<TypeSyntax> Types, List<SimpleNameSyntax> Adds, List<IfStatementSyntax> Ifs) Nodes)>();
        var locks = new List<(StatementSyntax Statement, UnsafeCollectionFix Fix, TypeDeclarationSyntax Type)>();
        foreach (var diagnostic in diagnostics)
        {
            if (!UnsafeCollectionFix.TryRead(diagnostic, out var fix))
            {
                continue;
            }

            if (fix.Kind == UnsafeCollectionFixKind.ConcurrentType && TypeNodes(root, fix) is { } nodes)
            {
                changes.Add((fix, nodes));
            }
            else if (LockSite(root, diagnostic, fix) is { } site)
            {
                locks.Add((site.Statement, fix, site.Type));
            }
        }

        // The counterparts first (their rewrites are inside statements and declarations), then the locks, then the new gates.
        var types = changes.SelectMany(c => c.Nodes.Types.Select(t => (Node: (SyntaxNode)t, c.Fix.Counterpart))).ToList();
        var renames = changes.SelectMany(c => c.Nodes.Adds).ToList();
        var ifs = changes.SelectMany(c => c.Nodes.Ifs).ToList();
        var tracked = root.TrackNodes(locks.Select(l => (SyntaxNode)l.Statement).Concat(locks.Select(l => l.Type)));
        var all = types.Select(t => t.Node).Concat(renames).Concat(ifs).Select(n => FindSame(tracked, n)).OfType<SyntaxNode>().Distinct().ToList();
        var counterparts = types.GroupBy(t => t.Node.Span).ToDictionary(g => g.Key, g => g.First().Counterpart);
        var ifSpans = new HashSet<TextSpan>(ifs.Select(i => i.Span));
        var addSpans = new HashSet<TextSpan>(renames.Select(r => r.Span));
        var rewritten = tracked.ReplaceNodes(all, (original, current) =>
        {
            if (counterparts.TryGetValue(original.Span, out var counterpart) && original is TypeSyntax)
            {
                return Counterpart((TypeSyntax)original, counterpart).WithTriviaFrom(current);
            }

            if (addSpans.Contains(original.Span) && current is SimpleNameSyntax)
            {
                return IdentifierName("TryAdd").WithTriviaFrom(current);
            }

            if (ifSpans.Contains(original.Span) && current is IfStatementSyntax guard)
            {
                var add = guard.Statement is BlockSyntax block ? block.Statements[0] : guard.Statement;
                return add.WithLeadingTrivia(guard.GetLeadingTrivia()).WithTrailingTrivia(guard.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
            }

            return current;
        });

        // The locks.
        var lockSites = locks
            .Select(l => (Statement: rewritten.GetCurrentNode(l.Statement), l.Fix))
            .Where(l => l.Statement is not null)
            .Select(l => (l.Statement!, l.Fix.Kind == UnsafeCollectionFixKind.Hold ? GuardedAccessFixKind.Hold : GuardedAccessFixKind.Lock, l.Fix.Gate));
        rewritten = LockScopes.Wrap(rewritten, lockSites);

        // The new gates, one per type and name.
        var gates = locks.Where(l => l.Fix.Kind == UnsafeCollectionFixKind.NewGate)
            .GroupBy(l => (l.Type, l.Fix.Gate))
            .Select(g => (g.Key.Type, g.Key.Gate, g.First().Fix.IsStatic))
            .ToList();
        if (gates.Count > 0)
        {
            var byType = gates.GroupBy(g => g.Type).ToList();
            rewritten = rewritten.ReplaceNodes(
                byType.Select(g => rewritten.GetCurrentNode(g.Key)).OfType<TypeDeclarationSyntax>(),
                (original, current) =>
                {
                    var fields = byType.First(g => rewritten.GetCurrentNode(g.Key) == original)
                        .Where(g => !((TypeDeclarationSyntax)current).Members.OfType<FieldDeclarationSyntax>().Any(f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == g.Gate)))
                        .Select(g => (MemberDeclarationSyntax)GateFields.Declaration(g.Gate, g.IsStatic, useLockType: false));
                    var type = (TypeDeclarationSyntax)current;
                    return type.WithMembers(type.Members.InsertRange(0, fields));
                });
        }

        if (changes.Count > 0 && !InScope(model, root, changes))
        {
            rewritten = AddUsing(rewritten);
        }

        return document.WithSyntaxRoot(rewritten);
    }

    // The node of the same span in the tracked root (tracking changes no span).
    private static SyntaxNode? FindSame(SyntaxNode root, SyntaxNode node) =>
        root.FindNode(node.Span, getInnermostNodeForTie: true).AncestorsAndSelf().FirstOrDefault(n => n.Span == node.Span && n.RawKind == node.RawKind);

    // The nodes a counterpart fix rewrites, or null when the document no longer has them.
    private static (List<TypeSyntax> Types, List<SimpleNameSyntax> Adds, List<IfStatementSyntax> Ifs)? TypeNodes(SyntaxNode root, UnsafeCollectionFix fix)
    {
        var types = new List<TypeSyntax>();
        var adds = new List<SimpleNameSyntax>();
        var ifs = new List<IfStatementSyntax>();
        foreach (var span in fix.Types)
        {
            if (At<TypeSyntax>(root, span) is not { } type || Generic(type) is null)
            {
                return null;
            }

            types.Add(type);
        }

        foreach (var span in fix.Adds)
        {
            if (At<SimpleNameSyntax>(root, span) is not { Identifier.ValueText: "Add" } add)
            {
                return null;
            }

            adds.Add(add);
        }

        foreach (var span in fix.Ifs)
        {
            if (At<IfStatementSyntax>(root, span) is not { } guard)
            {
                return null;
            }

            ifs.Add(guard);
        }

        return (types, adds, ifs);
    }

    private static T? At<T>(SyntaxNode root, TextSpan span)
        where T : SyntaxNode =>
        span.End <= root.FullSpan.End
            ? root.FindNode(span, getInnermostNodeForTie: false).AncestorsAndSelf().OfType<T>().FirstOrDefault(n => n.Span == span)
            : null;

    private static GenericNameSyntax? Generic(TypeSyntax type) => type switch
    {
        GenericNameSyntax generic => generic,
        QualifiedNameSyntax { Right: GenericNameSyntax right } => right,
        AliasQualifiedNameSyntax { Name: GenericNameSyntax name } => name,
        _ => null,
    };

    // List<int> → ConcurrentBag<int>, System.Collections.Generic.Dictionary<K, V> → ConcurrentDictionary<K, V>.
    private static TypeSyntax Counterpart(TypeSyntax type, string counterpart) =>
        GenericName(Identifier(counterpart)).WithTypeArgumentList(Generic(type)!.TypeArgumentList);

    private static (StatementSyntax Statement, TypeDeclarationSyntax Type)? LockSite(SyntaxNode root, Diagnostic diagnostic, UnsafeCollectionFix fix)
    {
        if (fix.Kind is not (UnsafeCollectionFixKind.Lock or UnsafeCollectionFixKind.Hold or UnsafeCollectionFixKind.NewGate)
            || !root.FullSpan.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var statement = node.AncestorsAndSelf().TakeWhile(n => n is not (AnonymousFunctionExpressionSyntax or MemberDeclarationSyntax)).OfType<StatementSyntax>().FirstOrDefault();
        return statement is { Parent: BlockSyntax } && statement.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type
            ? (statement, type)
            : null;
    }

    // Whether the counterparts' names already bind where they are written (a using, a global using).
    private static bool InScope(SemanticModel model, SyntaxNode root, List<(UnsafeCollectionFix Fix, (List<TypeSyntax> Types, List<SimpleNameSyntax> Adds, List<IfStatementSyntax> Ifs) Nodes)> changes) =>
        changes.All(c => c.Nodes.Types.All(t => model.LookupNamespacesAndTypes(t.SpanStart, name: c.Fix.Counterpart)
            .Any(s => s is INamedTypeSymbol named && named.ContainingNamespace.ToDisplayString() == ConcurrentNamespace)))
        || root is CompilationUnitSyntax unit && unit.Usings.Any(u => u.Alias is null && u.StaticKeyword.RawKind == 0 && u.Name?.ToString() == ConcurrentNamespace);

    private static SyntaxNode AddUsing(SyntaxNode root)
    {
        if (root is not CompilationUnitSyntax unit)
        {
            return root;
        }

        var newline = unit.Usings.Select(u => u.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia))).FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var directive = UsingDirective(ParseName(ConcurrentNamespace)).WithTrailingTrivia(newline.IsKind(SyntaxKind.EndOfLineTrivia) ? newline : ElasticCarriageReturnLineFeed);
        var index = unit.Usings.TakeWhile(u => u.Alias is null && u.StaticKeyword.RawKind == 0 && string.CompareOrdinal(u.Name?.ToString(), ConcurrentNamespace) < 0).Count();
        return unit.WithUsings(unit.Usings.Insert(index, directive.WithAdditionalAnnotations(Formatter.Annotation)));
    }
}
