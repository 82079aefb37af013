using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// Finds the asynchronous counterpart of a synchronous method: a method <c>MAsync</c> of the
/// receiver's type (its bases and interfaces) or an extension method in scope, taking the arguments
/// the call passes (trailing optional parameters it leaves out do not count), optionally plus one
/// trailing <c>CancellationToken</c>, returning <c>Task</c>/<c>ValueTask</c>
/// (of the same result type). Obsolete counterparts do not count. Member look-ups are cached per
/// method and receiver type for the compilation; extension look-ups, which depend on the usings in
/// scope, per method, receiver type and set of usings — files that import the same namespaces share them.
/// </summary>
internal sealed class AsyncCounterpartFinder
{
    private readonly TaskSymbols _symbols;
    private readonly INamedTypeSymbol? _obsolete;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, ITypeSymbol? Receiver), ImmutableArray<IMethodSymbol>> _members =
        new(new KeyComparer());
    private readonly ConcurrentDictionary<(IMethodSymbol Method, ITypeSymbol? Receiver, string Scope), ImmutableArray<IMethodSymbol>> _extensions =
        new(new ScopedKeyComparer());

    public AsyncCounterpartFinder(Compilation compilation, TaskSymbols symbols)
    {
        _symbols = symbols;
        _obsolete = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ObsoleteAttribute);
    }

    /// <summary>
    /// The counterparts of <paramref name="method"/> called on <paramref name="receiverType"/> at
    /// <paramref name="position"/>: the one with the same parameters and the one that also takes a
    /// <c>CancellationToken</c>, either or both of which may be missing.
    /// </summary>
    public Counterparts Find(IMethodSymbol method, ITypeSymbol? receiverType, SemanticModel model, int position, int passed)
    {
        if (passed < 0
            || method.Name.EndsWith("Async", StringComparison.Ordinal)
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ReducedExtension)
            || method.Parameters.Any(p => p.RefKind != RefKind.None)
            || _symbols.IsTaskLike(method.ReturnType))
        {
            return default;
        }

        var candidates = _members.GetOrAdd((method, receiverType), key => Compatible(key.Method, MemberCandidates(key.Method, key.Receiver)))
            .Where(c => TakesThePassedArguments(method, c, passed) && model.IsAccessible(position, c))
            .ToList();
        if (candidates.Count == 0 && (!method.IsStatic || method.MethodKind == MethodKind.ReducedExtension))
        {
            candidates = _extensions.GetOrAdd(
                (method, receiverType, ScopeOf(model, position)),
                key => Compatible(key.Method, model.LookupSymbols(position, key.Receiver ?? key.Method.ContainingType, key.Method.Name + "Async", includeReducedExtensionMethods: true)
                    .OfType<IMethodSymbol>()
                    .Where(m => m.MethodKind == MethodKind.ReducedExtension)))
                .Where(c => TakesThePassedArguments(method, c, passed))
                .ToList();
        }

        return new Counterparts(
            candidates.FirstOrDefault(c => c.Parameters.Length == passed),
            candidates.FirstOrDefault(c => c.Parameters.Length == passed + 1));
    }

    /// <summary>
    /// How many leading parameters of the called method the call passes explicitly (trailing
    /// optional ones it leaves out need no counterpart), or -1 when the explicit arguments are not
    /// such a prefix (an optional parameter skipped by name): then no counterpart is sought.
    /// </summary>
    public static int PassedArguments(Microsoft.CodeAnalysis.Operations.IInvocationOperation invocation)
    {
        var ordinals = invocation.Arguments
            .Where(a => a.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue && a.Parameter is not null)
            .Select(a => a.Parameter!.Ordinal)
            .ToList();
        return ordinals.All(o => o < ordinals.Count) ? ordinals.Count : -1;
    }

    // MAsync takes exactly the passed parameters of M, optionally plus a trailing CancellationToken.
    private bool TakesThePassedArguments(IMethodSymbol method, IMethodSymbol candidate, int passed)
    {
        var extra = candidate.Parameters.Length - passed;
        if (extra is not (0 or 1)
            || (extra == 1 && !TaskSymbols.Is(candidate.Parameters[candidate.Parameters.Length - 1].Type, _symbols.CancellationToken)))
        {
            return false;
        }

        for (var i = 0; i < passed; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(method.Parameters[i].Type, candidate.Parameters[i].Type)
                || candidate.Parameters[i].RefKind != RefKind.None)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Methods named <c>MAsync</c> on the type that declares a static method, or on the receiver's type, its bases and interfaces.</summary>
    private static IEnumerable<IMethodSymbol> MemberCandidates(IMethodSymbol method, ITypeSymbol? receiverType)
    {
        var name = method.Name + "Async";
        if (method.IsStatic && method.MethodKind != MethodKind.ReducedExtension)
        {
            return method.ContainingType.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.IsStatic);
        }

        if (method.MethodKind == MethodKind.ReducedExtension)
        {
            return Enumerable.Empty<IMethodSymbol>(); // extension counterparts are found with the usings in scope
        }

        var type = receiverType ?? method.ContainingType;
        var types = new List<ITypeSymbol>();
        for (var current = type; current is not null; current = current.BaseType)
        {
            types.Add(current);
        }

        types.AddRange(type.AllInterfaces);
        return types.SelectMany(t => t.GetMembers(name)).OfType<IMethodSymbol>().Where(m => !m.IsStatic);
    }

    private ImmutableArray<IMethodSymbol> Compatible(IMethodSymbol method, IEnumerable<IMethodSymbol> candidates) =>
        candidates.Select(c => Construct(c, method)).Where(c => c is not null && IsCompatible(method, c)).ToImmutableArray()!;

    /// <summary>What decides which extension methods are in scope at a position: the usings and the enclosing namespaces.</summary>
    private static string ScopeOf(SemanticModel model, int position)
    {
        var scope = new System.Text.StringBuilder();
        for (var node = model.SyntaxTree.GetRoot().FindToken(position).Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.BaseNamespaceDeclarationSyntax ns:
                    scope.Append(ns.Name).Append(';');
                    foreach (var u in ns.Usings)
                    {
                        scope.Append(u.ToString()).Append(';');
                    }

                    break;
                case Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax unit:
                    foreach (var u in unit.Usings)
                    {
                        scope.Append(u.ToString()).Append(';');
                    }

                    break;
            }
        }

        return scope.ToString();
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

    private sealed class KeyComparer : IEqualityComparer<(IMethodSymbol Method, ITypeSymbol? Receiver)>
    {
        public bool Equals((IMethodSymbol Method, ITypeSymbol? Receiver) x, (IMethodSymbol Method, ITypeSymbol? Receiver) y) =>
            SymbolEqualityComparer.Default.Equals(x.Method, y.Method) && SymbolEqualityComparer.Default.Equals(x.Receiver, y.Receiver);

        public int GetHashCode((IMethodSymbol Method, ITypeSymbol? Receiver) key) =>
            SymbolEqualityComparer.Default.GetHashCode(key.Method) * 31 + SymbolEqualityComparer.Default.GetHashCode(key.Receiver);
    }

    private sealed class ScopedKeyComparer : IEqualityComparer<(IMethodSymbol Method, ITypeSymbol? Receiver, string Scope)>
    {
        public bool Equals((IMethodSymbol Method, ITypeSymbol? Receiver, string Scope) x, (IMethodSymbol Method, ITypeSymbol? Receiver, string Scope) y) =>
            SymbolEqualityComparer.Default.Equals(x.Method, y.Method)
            && SymbolEqualityComparer.Default.Equals(x.Receiver, y.Receiver)
            && string.Equals(x.Scope, y.Scope, StringComparison.Ordinal);

        public int GetHashCode((IMethodSymbol Method, ITypeSymbol? Receiver, string Scope) key) =>
            (SymbolEqualityComparer.Default.GetHashCode(key.Method) * 31 + SymbolEqualityComparer.Default.GetHashCode(key.Receiver)) * 31
            + StringComparer.Ordinal.GetHashCode(key.Scope);
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
