using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Engine;

/// <summary>What fixes that wrap statements of a block in a <c>try</c> must check first.</summary>
internal static class StatementScopes
{
    /// <summary>
    /// Whether moving the statements between <paramref name="first"/> and <paramref name="last"/>
    /// (both excluded) into a <c>try</c> block would hide a local they declare from code after
    /// <paramref name="last"/> that still uses it.
    /// </summary>
    public static bool DeclaresWhatFollows(BlockSyntax block, StatementSyntax first, StatementSyntax last)
    {
        var start = block.Statements.IndexOf(first);
        var end = block.Statements.IndexOf(last);
        var declared = new HashSet<string>(block.Statements.Skip(start + 1).Take(end - start - 1)
            .SelectMany(s => s.DescendantNodesAndSelf())
            .Select(n => n switch
            {
                VariableDeclaratorSyntax v => v.Identifier.ValueText,
                SingleVariableDesignationSyntax d => d.Identifier.ValueText,
                _ => null,
            })
            .OfType<string>());
        return declared.Count > 0 && block.Statements.Skip(end + 1)
            .SelectMany(s => s.DescendantNodes().OfType<IdentifierNameSyntax>())
            .Any(i => declared.Contains(i.Identifier.ValueText));
    }
}
