using Microsoft.CodeAnalysis;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>Builds syntax lists from sequences, for rewrites that assemble statements.</summary>
internal static class SyntaxListExtensions
{
    public static SyntaxList<T> ToSyntaxList<T>(this IEnumerable<T> nodes)
        where T : SyntaxNode => List(nodes);
}
