using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.AsyncBlocking;

/// <summary>
/// Finds the asynchronous counterpart of a synchronous method: a method <c>MAsync</c> of the
/// receiver's type (its bases and interfaces) or an extension method in scope, with the same
/// parameters, optionally plus one trailing <c>CancellationToken</c>, returning <c>Task</c>/<c>ValueTask</c>
/// (of the same result type). Obsolete counterparts do not count. Results are cached per
/// compilation; extension look-ups per method, receiver type and file (usings are per file).
/// </summary>
internal sealed class AsyncCounterpartFinder
{
    private readonly TaskSymbols _symbols;
    private readonly INamedTypeSymbol? _obsolete;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, ITypeSymbol? Receiver, SyntaxTree Tree), Counterparts> _cache =
        new(new KeyComparer());

    public AsyncCounterpartFinder(Compilation compilation, TaskSymbols symbols)
    {
        _symbols = symbols;
        _obsolete = compilation.GetTypeByMetadataName("System.ObsoleteAttribute");
    }

    /// <summary>
    /// The counterparts of <paramref name="method"/> called on <paramref name="receiverType"/> at
    /// <paramref name="position"/>: the one with the same parameters and the one that also takes a
    /// <c>CancellationToken</c>, either or both of which may be missing.
    /// </summary>
    public Counterparts Find(IMethodSymbol method, ITypeSymbol? receiverType, SemanticModel model, int position)
    {
        if (method.Name.EndsWith("Async", StringComparison.Ordinal)
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ReducedExtension)
            || method.Parameters.Any(p => p.RefKind != RefKind.None)
            || _symbols.IsTaskLike(method.ReturnType))
        {
            return default;
        }

        return _cache.GetOrAdd((method, receiverType, model.SyntaxTree), key => Search(key.Method, key.Receiver, model, position));
    }

    private Counterparts Search(IMethodSymbol method, ITypeSymbol? receiverType, SemanticModel model, int position)
    {
        var name = method.Name + "Async";
        IEnumerable<ISymbol> candidates = method.IsStatic && method.MethodKind != MethodKind.ReducedExtension
            ? method.ContainingType.GetMembers(name)
            : model.LookupSymbols(position, receiverType ?? method.ContainingType, name, includeReducedExtensionMethods: true);
        var compatible = candidates.OfType<IMethodSymbol>()
            .Select(c => Construct(c, method))
            .Where(c => c is not null && IsCompatible(method, c))
            .ToList();
        return new Counterparts(
            compatible.FirstOrDefault(c => c!.Parameters.Length == method.Parameters.Length),
            compatible.FirstOrDefault(c => c!.Parameters.Length == method.Parameters.Length + 1));
    }

    // A generic counterpart takes the same type arguments as the method it replaces.
    private static IMethodSymbol? Construct(IMethodSymbol candidate, IMethodSymbol method)
    {
        if (!candidate.IsGenericMethod)
        {
            return candidate;
        }

        if (candidate.TypeParameters.Length != method.TypeArguments.Length || !method.IsGenericMethod)
        {
            return null;
        }

        return candidate.ConstructedFrom.Construct(method.TypeArguments.ToArray());
    }

    private bool IsCompatible(IMethodSymbol method, IMethodSymbol candidate)
    {
        if (candidate.IsStatic != method.IsStatic && candidate.MethodKind != MethodKind.ReducedExtension && method.MethodKind != MethodKind.ReducedExtension)
        {
            return false;
        }

        if (_obsolete is not null && candidate.GetAttributes().Any(a => TaskSymbols.Is(a.AttributeClass, _obsolete)))
        {
            return false;
        }

        var extra = candidate.Parameters.Length - method.Parameters.Length;
        if (extra is not (0 or 1)
            || (extra == 1 && !TaskSymbols.Is(candidate.Parameters[candidate.Parameters.Length - 1].Type, _symbols.CancellationToken)))
        {
            return false;
        }

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(method.Parameters[i].Type, candidate.Parameters[i].Type)
                || candidate.Parameters[i].RefKind != RefKind.None)
            {
                return false;
            }
        }

        if (!_symbols.IsTaskLike(candidate.ReturnType))
        {
            return false;
        }

        if (method.ReturnsVoid)
        {
            return true;
        }

        // Task<T>/ValueTask<T> of the very type the synchronous method returns.
        return candidate.ReturnType is INamedTypeSymbol { IsGenericType: true } returned
            && returned.TypeArguments.Length == 1
            && SymbolEqualityComparer.Default.Equals(returned.TypeArguments[0], method.ReturnType);
    }

    private sealed class KeyComparer : IEqualityComparer<(IMethodSymbol Method, ITypeSymbol? Receiver, SyntaxTree Tree)>
    {
        public bool Equals((IMethodSymbol Method, ITypeSymbol? Receiver, SyntaxTree Tree) x, (IMethodSymbol Method, ITypeSymbol? Receiver, SyntaxTree Tree) y) =>
            SymbolEqualityComparer.Default.Equals(x.Method, y.Method)
            && SymbolEqualityComparer.Default.Equals(x.Receiver, y.Receiver)
            && x.Tree == y.Tree;

        public int GetHashCode((IMethodSymbol Method, ITypeSymbol? Receiver, SyntaxTree Tree) key) =>
            (SymbolEqualityComparer.Default.GetHashCode(key.Method) * 31 + SymbolEqualityComparer.Default.GetHashCode(key.Receiver)) * 31 + key.Tree.GetHashCode();
    }
}

/// <summary>The async counterparts of a method: with the same parameters, and with a trailing <c>CancellationToken</c>.</summary>
internal readonly struct Counterparts
{
    public Counterparts(IMethodSymbol? exact, IMethodSymbol? withToken)
    {
        Exact = exact;
        WithToken = withToken;
    }

    public IMethodSymbol? Exact { get; }

    public IMethodSymbol? WithToken { get; }

    public bool Any => Exact is not null || WithToken is not null;

    /// <summary>The one to call: with the token when one is in scope (or no other exists), else the exact match.</summary>
    public IMethodSymbol? Choose(bool tokenInScope) =>
        (tokenInScope ? WithToken ?? Exact : Exact ?? WithToken);
}
