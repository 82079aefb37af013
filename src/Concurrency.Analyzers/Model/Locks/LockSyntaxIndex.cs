using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// Where code may take a lock, judged from its syntax alone: a <c>lock</c> statement, or a call of a
/// method named like an acquisition (<c>Enter</c>, <c>Wait</c>, <c>Acquire</c>, <c>Hold</c>, …). The
/// lock family's <see cref="SyntaxNameIndex"/>: code without a site is not walked for lock regions,
/// which keeps the lock rules cheap on the bulk of a solution.
/// </summary>
internal sealed class LockSyntaxIndex
{
    private static readonly ImmutableArray<string> AcquisitionNames = LockApi.AcquisitionNames;

    private static readonly SyntaxNameIndex Index = new(AcquisitionNames.Add("lock"), Site);

    private readonly SyntaxNameIndex.Sites _sites;

    private LockSyntaxIndex(SyntaxNameIndex.Sites sites)
    {
        _sites = sites;
    }

    /// <summary>The index of a compilation, shared by the lock rules.</summary>
    public static LockSyntaxIndex For(Compilation compilation) => new(Index.For(compilation));

    /// <summary>Whether <paramref name="node"/> contains a <c>lock</c> statement or a call named like an acquisition.</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool MayTakeLocks(SyntaxNode node, CancellationToken cancellationToken) => _sites.MayContain(node, cancellationToken);

    /// <summary>The start of every <c>lock</c> statement and acquisition-named call of a tree, sorted.</summary>
    [MethodImpl(HotPath.Optimized)]
    public int[] SitesOf(SyntaxTree tree, CancellationToken cancellationToken) => _sites.Of(tree, cancellationToken);

    /// <summary>The <c>lock</c> statement or acquisition-named call a token names, if it does.</summary>
    [MethodImpl(HotPath.Optimized)]
    private static SyntaxNode? Site(SyntaxToken token)
    {
        if (token.IsKind(SyntaxKind.LockKeyword))
        {
            return token.Parent as LockStatementSyntax;
        }

        return token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax name && AcquisitionNames.IndexOf(name.Identifier.ValueText) >= 0
            ? CallNamed(name)
            : null;
    }

    // Wait(), x.Wait(), x?.Wait(), Wait<T>().
    [MethodImpl(HotPath.Optimized)]
    private static InvocationExpressionSyntax? CallNamed(SimpleNameSyntax name)
    {
        ExpressionSyntax callee = name.Parent switch
        {
            MemberAccessExpressionSyntax access when access.Name == name => access,
            MemberBindingExpressionSyntax binding when binding.Name == name => binding,
            _ => name,
        };
        return callee.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null;
    }
}
