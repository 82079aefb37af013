using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Where code may hold a site of some rule family (a <c>lock</c> statement, a call named <c>Start</c>
/// or <c>Join</c>, …), judged from its syntax alone. The sites are named by a few words: each syntax
/// tree is read once per compilation — its text searched for those words, and only the tokens found
/// looked up in the tree — and then any type, body or statement is answered by a binary search over
/// the sites found. Code without a site is not walked by the family's rules, which keeps them cheap on
/// the bulk of a solution. One instance serves one family (keep it in a static field); it holds the
/// sites of each compilation it is asked about for as long as the compilation lives.
/// </summary>
internal sealed class SyntaxNameIndex
{
    [ThreadStatic]
    private static char[]? t_buffer;

    // The words by their length: a word of the text is compared only with the words as long as it.
    private readonly string[]?[] _wordsByLength;
    private readonly int _longestWord;
    private readonly Func<SyntaxToken, SyntaxNode?> _siteOf;
    private readonly ConditionalWeakTable<Compilation, Sites> _compilations = new();
    private readonly ConditionalWeakTable<Compilation, Sites>.CreateValueCallback _create;

    /// <summary>
    /// An index of the sites named by <paramref name="words"/>. <paramref name="siteOf"/> is given a
    /// token that may name a site and returns the node that is the site (its start is what the index
    /// records), or null. It must check the token's name itself: in a text with a Unicode escape,
    /// which could spell a word in an identifier without the word appearing in the text, it is given
    /// every token of the tree.
    /// </summary>
    public SyntaxNameIndex(IEnumerable<string> words, Func<SyntaxToken, SyntaxNode?> siteOf)
    {
        var distinct = words.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0 || distinct.Any(w => w.Length == 0))
        {
            throw new ArgumentException("An index needs at least one word, and no empty one.", nameof(words));
        }

        _longestWord = distinct.Max(w => w.Length);
        _wordsByLength = new string[]?[_longestWord + 1];
        foreach (var group in distinct.GroupBy(w => w.Length))
        {
            _wordsByLength[group.Key] = group.ToArray();
        }

        _siteOf = siteOf;
        _create = _ => new Sites(this);
    }

    /// <summary>The sites of <paramref name="compilation"/>'s trees, shared by every rule that asks.</summary>
    public Sites For(Compilation compilation) => _compilations.GetValue(compilation, _create);

    /// <summary>The start of every site of a tree, sorted, without duplicates.</summary>
    [MethodImpl(HotPath.Optimized)]
    private int[] Find(SyntaxTree tree, CancellationToken cancellationToken)
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
            if (token.Span.Contains(position) && _siteOf(token) is { } site)
            {
                sites.Add(site.SpanStart);
            }
        }

        return Sorted(sites);
    }

    /// <summary>
    /// The positions of the words of the text that are words of the index (in code, comments or
    /// strings alike); null when the text has a Unicode escape, which could spell a word in an
    /// identifier without the word appearing in the text.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private List<int>? Candidates(SourceText text, CancellationToken cancellationToken)
    {
        var candidates = new List<int>();
        // One buffer per thread: a solution's every file passes through it.
        var buffer = t_buffer ??= new char[8192];
        var word = new char[_longestWord];
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
                    if (IsWord(word, length))
                    {
                        candidates.Add(start);
                    }

                    length = 0;
                }

                previous = c;
            }
        }

        if (length > 0 && IsWord(word, length))
        {
            candidates.Add(start);
        }

        return candidates;
    }

    [MethodImpl(HotPath.Optimized)]
    private bool IsWord(char[] word, int length)
    {
        if (length >= _wordsByLength.Length || _wordsByLength[length] is not { } words)
        {
            return false;
        }

        foreach (var name in words)
        {
            if (Same(name, word))
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

    // The whole tree, for text whose words may hide behind Unicode escapes.
    private int[] Walk(SyntaxNode root)
    {
        var sites = new List<int>();
        foreach (var token in root.DescendantTokens())
        {
            if (_siteOf(token) is { } site)
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

    /// <summary>The sites of one compilation's trees, each tree read on first demand.</summary>
    internal sealed class Sites
    {
        private readonly SyntaxNameIndex _index;
        private readonly ConcurrentDictionary<SyntaxTree, int[]> _sites = new();

        internal Sites(SyntaxNameIndex index)
        {
            _index = index;
        }

        /// <summary>Whether <paramref name="node"/> contains a site.</summary>
        [MethodImpl(HotPath.Optimized)]
        public bool MayContain(SyntaxNode node, CancellationToken cancellationToken)
        {
            var sites = Of(node.SyntaxTree, cancellationToken);
            var span = node.Span;
            var index = Array.BinarySearch(sites, span.Start);
            if (index < 0)
            {
                index = ~index;
            }

            return index < sites.Length && sites[index] < span.End;
        }

        /// <summary>The start of every site of <paramref name="tree"/>, sorted.</summary>
        [MethodImpl(HotPath.Optimized)]
        public int[] Of(SyntaxTree tree, CancellationToken cancellationToken) =>
            _sites.TryGetValue(tree, out var known) ? known : _sites.GetOrAdd(tree, _index.Find(tree, cancellationToken));
    }
}
