using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// Where code may take a lock, judged from its syntax alone: a <c>lock</c> statement, or a call of a
/// method named like an acquisition (<c>Enter</c>, <c>Wait</c>, <c>Acquire</c>, <c>Hold</c>, …).
/// Each syntax tree is read once per compilation — its text searched for those names, and only the
/// tokens found looked up in the tree — and then any type, body or statement is answered by a binary
/// search over the sites found. Code without a site is not walked for lock regions, which keeps the
/// lock rules cheap on the bulk of a solution.
/// </summary>
internal sealed class LockSyntaxIndex
{
    private static readonly ImmutableArray<string> AcquisitionNames = LockApi.AcquisitionNames;

    private static readonly int LongestName = AcquisitionNames.Max(n => n.Length);

    private static readonly ConditionalWeakTable<Compilation, LockSyntaxIndex> Indexes = new();

    [ThreadStatic]
    private static char[]? t_buffer;

    private readonly ConcurrentDictionary<SyntaxTree, int[]> _sites = new();

    private LockSyntaxIndex()
    {
    }

    /// <summary>The index of a compilation, shared by the lock rules.</summary>
    public static LockSyntaxIndex For(Compilation compilation) => Indexes.GetValue(compilation, _ => new LockSyntaxIndex());

    /// <summary>Whether <paramref name="node"/> contains a <c>lock</c> statement or a call named like an acquisition.</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool MayTakeLocks(SyntaxNode node, CancellationToken cancellationToken)
    {
        var sites = SitesOf(node.SyntaxTree, cancellationToken);
        var span = node.Span;
        var index = Array.BinarySearch(sites, span.Start);
        if (index < 0)
        {
            index = ~index;
        }

        return index < sites.Length && sites[index] < span.End;
    }

    /// <summary>The start of every <c>lock</c> statement and acquisition-named call of a tree, sorted.</summary>
    [MethodImpl(HotPath.Optimized)]
    public int[] SitesOf(SyntaxTree tree, CancellationToken cancellationToken) =>
        _sites.TryGetValue(tree, out var known) ? known : _sites.GetOrAdd(tree, Find(tree, cancellationToken));

    [MethodImpl(HotPath.Optimized)]
    private static int[] Find(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken);
        var candidates = Candidates(text, cancellationToken);
        if (candidates is null)
        {
            return Walk(tree.GetRoot(cancellationToken));
        }

        if (candidates.Count == 0)
        {
            return Array.Empty<int>();
        }

        var root = tree.GetRoot(cancellationToken);
        var sites = new List<int>();
        foreach (var position in candidates)
        {
            var token = root.FindToken(position);
            if (token.Span.Contains(position) && Site(token) is { } site)
            {
                sites.Add(site.SpanStart);
            }
        }

        return Sorted(sites);
    }

    /// <summary>
    /// The positions of the words of the text that are <c>lock</c> or an acquisition name (in code,
    /// comments or strings alike); null when the text has a Unicode escape, which could spell a name
    /// in an identifier without the name appearing in the text.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private static List<int>? Candidates(SourceText text, CancellationToken cancellationToken)
    {
        var candidates = new List<int>();
        // One buffer per thread: a solution's every file passes through it.
        var buffer = t_buffer ??= new char[8192];
        var word = new char[LongestName];
        var length = 0;
        var start = 0;
        var previous = '\0';
        for (var offset = 0; offset < text.Length; offset += buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(buffer.Length, text.Length - offset);
            text.CopyTo(offset, buffer, 0, count);
            for (var i = 0; i < count; i++)
            {
                var c = buffer[i];
                if (char.IsLetterOrDigit(c) || c == '_')
                {
                    if ((c == 'u' || c == 'U') && previous == '\\')
                    {
                        return null;
                    }

                    if (length == 0)
                    {
                        start = offset + i;
                    }

                    if (length < word.Length)
                    {
                        word[length] = c;
                    }

                    length++;
                }
                else if (length > 0)
                {
                    if (IsName(word, length))
                    {
                        candidates.Add(start);
                    }

                    length = 0;
                }

                previous = c;
            }
        }

        if (length > 0 && IsName(word, length))
        {
            candidates.Add(start);
        }

        return candidates;
    }

    [MethodImpl(HotPath.Optimized)]
    private static bool IsName(char[] word, int length)
    {
        if (length == 4 && word[0] == 'l' && word[1] == 'o' && word[2] == 'c' && word[3] == 'k')
        {
            return true;
        }

        foreach (var name in AcquisitionNames)
        {
            if (name.Length == length && Same(name, word))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(HotPath.Optimized)]
    private static bool Same(string name, char[] word)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != word[i])
            {
                return false;
            }
        }

        return true;
    }

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

    // The whole tree, for text whose names may hide behind Unicode escapes.
    private static int[] Walk(SyntaxNode root)
    {
        var sites = new List<int>();
        foreach (var token in root.DescendantTokens())
        {
            if ((token.IsKind(SyntaxKind.LockKeyword) || token.IsKind(SyntaxKind.IdentifierToken)) && Site(token) is { } site)
            {
                sites.Add(site.SpanStart);
            }
        }

        return Sorted(sites);
    }

    private static int[] Sorted(List<int> sites)
    {
        sites.Sort();
        var result = new List<int>(sites.Count);
        foreach (var site in sites)
        {
            if (result.Count == 0 || result[result.Count - 1] != site)
            {
                result.Add(site);
            }
        }

        return result.ToArray();
    }
}
