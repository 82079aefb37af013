using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>
/// Names for the locals and parameters a fix introduces, for one fix pass (one diagnostic, or Fix
/// All over a document): a name no identifier of the enclosing member (the file, for top-level
/// code) spells and no earlier rewrite of the pass took, else the name with 1, 2… appended. Avoiding
/// every identifier of the member is stricter than C#'s scoping, and so never shadows or clashes.
/// </summary>
internal sealed class FreshNames
{
    private readonly Dictionary<SyntaxNode, HashSet<string>> _taken = new();

    /// <summary>A fresh name near <paramref name="preferred"/> for code written at <paramref name="node"/>.</summary>
    public string Take(SyntaxNode node, string preferred)
    {
        var scope = node.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? node.SyntaxTree.GetRoot();
        if (!_taken.TryGetValue(scope, out var names))
        {
            names = new HashSet<string>(scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), StringComparer.Ordinal);
            _taken.Add(scope, names);
        }

        var fresh = preferred;
        for (var i = 1; names.Contains(fresh) || SyntaxFacts.GetKeywordKind(fresh) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(fresh) != SyntaxKind.None; i++)
        {
            fresh = preferred + i;
        }

        names.Add(fresh);
        return fresh;
    }
}
