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

    /// <summary>
    /// The overrides and implementations in the compilation a call to <paramref name="method"/> may
    /// run, in source order: on a receiver of static type <paramref name="receiver"/>, only those of
    /// that type and the types derived from it (a call on a <c>Derived</c> never runs a sibling's
    /// override); all of them when the receiver is unknown.
    /// </summary>
    public IEnumerable<IMethodSymbol> Overriding(IMethodSymbol method, ITypeSymbol? receiver)
    {
        var all = _overriding.Value.TryGetValue(method.OriginalDefinition, out var list) ? list : (IReadOnlyList<IMethodSymbol>)Array.Empty<IMethodSymbol>();
        return receiver is INamedTypeSymbol { TypeKind: not TypeKind.Error } named && !TaskSymbols.Is(named.OriginalDefinition, method.OriginalDefinition.ContainingType)
            ? all.Where(o => IsOrDerivesFrom(o.ContainingType, named.OriginalDefinition))
            : all;
    }

    /// <summary>The methods a call of <paramref name="callee"/> on a receiver of static type <paramref name="receiver"/> may run: itself, and its overrides below the receiver's type.</summary>
    public IEnumerable<IMethodSymbol> Targets(IMethodSymbol callee, ITypeSymbol? receiver) =>
        IsDispatched(callee) ? new[] { callee }.Concat(Overriding(callee, receiver)) : new[] { callee };

    /// <summary>Whether <paramref name="type"/> is <paramref name="ancestor"/>, derives from it or implements it.</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? type, INamedTypeSymbol ancestor)
    {
        if (type is null)
        {
            return false;
        }

        if (ancestor.TypeKind == TypeKind.Interface)
        {
            return TaskSymbols.Is(type.OriginalDefinition, ancestor) || type.AllInterfaces.Any(i => TaskSymbols.Is(i.OriginalDefinition, ancestor));
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current.OriginalDefinition, ancestor))
            {
                return true;
            }
        }

        return false;
    }

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

        // Source order, so every build (and every order of the files) dispatches to them in one order.
        foreach (var list in result.Values)
        {
            list.Sort(SymbolHelpers.CompareBySource);
        }

        return result;
    }
}
