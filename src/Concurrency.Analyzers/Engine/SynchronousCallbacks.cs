using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Methods that run the lambdas they are given before they return — <c>List&lt;T&gt;.ForEach</c>,
/// <c>Array.ForEach</c>, <c>Parallel.For/ForEach/Invoke</c> (which wait for their workers) — so a
/// lambda passed to them runs inside whatever lock the caller holds, unlike a lambda that is stored
/// or handed to <c>Task.Run</c> and runs later.
/// </summary>
internal sealed class SynchronousCallbacks
{
    private readonly INamedTypeSymbol? _list;
    private readonly INamedTypeSymbol? _array;
    private readonly INamedTypeSymbol? _parallel;

    private static readonly ConditionalWeakTable<Compilation, SynchronousCallbacks> PerCompilation = new();

    private SynchronousCallbacks(Compilation compilation)
    {
        _list = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ListOfT);
        _array = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Array);
        _parallel = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Parallel);
    }

    /// <summary>The callback types of a compilation, resolved once and shared by every summary.</summary>
    public static SynchronousCallbacks For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new SynchronousCallbacks(c));

    /// <summary>Whether <paramref name="lambda"/> is an argument of a call that runs it before returning.</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool RunsNow(IAnonymousFunctionOperation lambda)
    {
        var argument = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
        if (argument is not IArgumentOperation { Parent: IInvocationOperation call })
        {
            return false;
        }

        var method = call.TargetMethod;
        var type = method.ContainingType?.OriginalDefinition;
        return TaskSymbols.Is(type, _parallel)
            || (method.Name == "ForEach" && (TaskSymbols.Is(type, _list) || TaskSymbols.Is(type, _array)));
    }

    /// <summary>
    /// Every operation that may run when a body runs, depth first — the one body enumeration of the
    /// interprocedural summaries: the bodies of lambdas handed to a method that runs them at once,
    /// not those of lambdas that are only created, nor local functions (a call reaches them like
    /// any method).
    /// </summary>
    public IEnumerable<IOperation> MayRun(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations.Reverse())
            {
                if (child is ILocalFunctionOperation)
                {
                    continue;
                }

                if (child is not IAnonymousFunctionOperation lambda || RunsNow(lambda))
                {
                    stack.Push(child);
                }
            }
        }
    }
}
