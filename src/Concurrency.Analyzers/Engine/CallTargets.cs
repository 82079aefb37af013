using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Where a call of a compilation may go: the symbol whose body runs (a partial method is called by its
/// declaration and has its body in its implementation), and, for a virtual, abstract or interface
/// method, the overrides and implementations in the compilation. One per compilation; the table of
/// overrides is built once, when first needed.
/// </summary>
internal sealed class CallTargets
{
    private static readonly ConditionalWeakTable<Compilation, CallTargets> PerCompilation = new();

    private readonly Lazy<Dictionary<IMethodSymbol, List<IMethodSymbol>>> _overriding;

    private CallTargets(Compilation compilation)
    {
        Assembly = compilation.Assembly;
        _overriding = new Lazy<Dictionary<IMethodSymbol, List<IMethodSymbol>>>(OverridingInCompilation);
    }

    public static CallTargets For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new CallTargets(c));

    /// <summary>The assembly the compilation builds: calls into it can be followed.</summary>
    public IAssemblySymbol Assembly { get; }

    /// <summary>The symbol that owns the body a call of <paramref name="method"/> runs.</summary>
    public static IMethodSymbol BodyOwner(IMethodSymbol method) =>
        method.OriginalDefinition.PartialImplementationPart ?? method.OriginalDefinition;

    /// <summary>Whether <paramref name="method"/> is declared in source of this compilation (its body can be read).</summary>
    public bool IsInSource(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.Length > 0 && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, Assembly);

    /// <summary>Whether a call of <paramref name="method"/> may run another method's body instead.</summary>
    public static bool IsDispatched(IMethodSymbol method) => method.IsVirtual || method.IsAbstract || method.IsOverride;

    /// <summary>The overrides and implementations in the compilation a call to <paramref name="method"/> may run.</summary>
    public IReadOnlyList<IMethodSymbol> Overriding(IMethodSymbol method) =>
        _overriding.Value.TryGetValue(method.OriginalDefinition, out var list) ? list : Array.Empty<IMethodSymbol>();

    // Overridden and interface methods → the methods of the compilation that override or implement them.
    private Dictionary<IMethodSymbol, List<IMethodSymbol>> OverridingInCompilation()
    {
        var result = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        void Add(IMethodSymbol implemented, IMethodSymbol implementation) => result.AddToList(implemented.OriginalDefinition, implementation);

        var types = new Stack<INamespaceOrTypeSymbol>();
        types.Push(Assembly.GlobalNamespace);
        while (types.Count > 0)
        {
            var container = types.Pop();
            foreach (var member in container.GetMembers())
            {
                switch (member)
                {
                    case INamespaceOrTypeSymbol nested:
                        types.Push(nested);
                        break;
                    case IMethodSymbol { IsStatic: false, ContainingType: { } type } method:
                        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                        {
                            Add(overridden, method);
                        }

                        foreach (var explicitly in method.ExplicitInterfaceImplementations)
                        {
                            Add(explicitly, method);
                        }

                        foreach (var candidate in type.AllInterfaces.SelectMany(i => i.GetMembers(method.Name)).OfType<IMethodSymbol>())
                        {
                            if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate)?.OriginalDefinition, method))
                            {
                                Add(candidate, method);
                            }
                        }

                        break;
                }
            }
        }

        return result;
    }
}
