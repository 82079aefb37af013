using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// What a hub coroutine is (course topic 5.3, the runtime's gevent-style <c>Hub</c>): the function
/// handed to <c>Hub.Run</c>, <c>Hub.Run&lt;T&gt;</c>, <c>Hub.Spawn</c> or <c>Hub.Spawn&lt;T&gt;</c> — a
/// lambda, an anonymous method, or a method or local function passed as a method group — async or
/// not. Its code runs on the hub's one thread, and so do the lambdas it runs at once
/// (<see cref="SynchronousCallbacks"/>); a lambda it hands to <c>Task.Run</c>, the thread pool or a
/// thread, or only stores, is not its code. What the coroutine reaches through calls is the summary
/// engine's (<see cref="BlockingSummaries.ForHub"/>). Continuations after <c>ConfigureAwait(false)</c>
/// leave the hub too; that is not modelled (the code after one is still taken for the hub's).
/// The CONC4xx rules that report the same calls in async code ask <see cref="IsInCoroutine"/>
/// and step aside for CONC405, so a line gets one diagnostic.
/// </summary>
internal sealed class HubCoroutines
{
    private static readonly ConditionalWeakTable<Compilation, HubCoroutines> PerCompilation = new();

    // Hub.Run(Main), Hub.Spawn(Worker): calls named Run or Spawn, the candidates for method-group entries.
    private static readonly SyntaxNameIndex Index = new(new[] { "Run", "Spawn" }, Site);

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _hub;
    private readonly SynchronousCallbacks _callbacks;
    private readonly Lazy<ImmutableHashSet<ISymbol>> _methodGroups;

    private HubCoroutines(Compilation compilation)
    {
        _compilation = compilation;
        _hub = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Hub);
        _callbacks = SynchronousCallbacks.For(compilation);
        _methodGroups = new Lazy<ImmutableHashSet<ISymbol>>(() => FindMethodGroups(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static HubCoroutines For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new HubCoroutines(c));

    /// <summary>Whether the compilation references the hub at all: without it there are no coroutines.</summary>
    public bool HubExists => _hub is not null;

    /// <summary>The hub's type, for fixes that write <c>Hub.Sleep</c>.</summary>
    public INamedTypeSymbol? Hub => _hub;

    /// <summary>Whether <paramref name="call"/> starts a coroutine: <c>Hub.Run</c>, <c>Hub.Spawn</c> and their generic forms.</summary>
    public bool IsStart(IInvocationOperation call) =>
        call.TargetMethod.Name is "Run" or "Spawn" && TaskSymbols.Is(call.TargetMethod.ContainingType, _hub);

    /// <summary>Whether <paramref name="lambda"/> is handed straight to <c>Hub.Run</c>/<c>Hub.Spawn</c>.</summary>
    public bool IsEntry(IAnonymousFunctionOperation lambda)
    {
        IOperation current = lambda;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation call } && IsStart(call);
    }

    /// <summary>Whether the method or local function <paramref name="function"/> is passed as a method group to <c>Hub.Run</c>/<c>Hub.Spawn</c> somewhere in the compilation.</summary>
    public bool IsEntry(IMethodSymbol function) =>
        _hub is not null
        && (function.IsAsync || function.ReturnType.Name is "Task")
        && _methodGroups.Value.Contains(function.OriginalDefinition);

    /// <summary>
    /// The coroutine whose own code <paramref name="operation"/> is (the lambda, local function or
    /// method run by the hub), or null: the nearest enclosing function is an entry, or a lambda run at
    /// once inside one. A lambda handed elsewhere (<c>Task.Run</c>, a thread, a stored delegate) ends
    /// the search: its code does not run on the hub thread, or not known when.
    /// </summary>
    public IOperation? CoroutineOf(IOperation operation, ISymbol? containingSymbol)
    {
        if (_hub is null)
        {
            return null;
        }

        for (var function = OperationHelpers.EnclosingFunction(operation); ; function = OperationHelpers.EnclosingFunction(function))
        {
            switch (function)
            {
                case IAnonymousFunctionOperation lambda when IsEntry(lambda):
                    return lambda;
                case IAnonymousFunctionOperation lambda when _callbacks.RunsNow(lambda):
                    continue;
                case ILocalFunctionOperation local when IsEntry(local.Symbol):
                    return local;
                case null:
                    return containingSymbol is IMethodSymbol method && IsEntry(method) ? OperationHelpers.Root(operation) : null;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The syntactic pre-check of <see cref="CoroutineOf"/>, before any binding: the nearest enclosing
    /// function is a lambda or anonymous method passed to a call named <c>Run</c> or <c>Spawn</c>
    /// (looking through lambdas passed to <c>ForEach</c>, <c>For</c>, <c>Invoke</c>, which run at once),
    /// or a method or local function that may be a method-group entry (<c>async</c>, or declared to return a <c>Task</c>).
    /// </summary>
    public bool MayBeInCoroutine(SyntaxNode node)
    {
        if (_hub is null)
        {
            return false;
        }

        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax function:
                    var name = function.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } } ? CalledName(call) : null;
                    if (name is "Run" or "Spawn")
                    {
                        return true;
                    }

                    if (name is "ForEach" or "For" or "Invoke")
                    {
                        continue;
                    }

                    return false;
                case LocalFunctionStatementSyntax local:
                    return MayReturnTask(local.Modifiers, local.ReturnType);
                case MethodDeclarationSyntax method:
                    return MayReturnTask(method.Modifiers, method.ReturnType);
                case MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static string? CalledName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    private static bool MayReturnTask(SyntaxTokenList modifiers, TypeSyntax returnType) =>
        modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword)
        || (returnType is QualifiedNameSyntax qualified ? qualified.Right : returnType) is SimpleNameSyntax { Identifier.ValueText: "Task" };

    /// <summary>The shared predicate of CONC401, CONC402, CONC403 and CONC407: the code is a hub coroutine's, where CONC405 reports instead.</summary>
    public bool IsInCoroutine(IOperation operation, ISymbol? containingSymbol) => CoroutineOf(operation, containingSymbol) is not null;

    private static SyntaxNode? Site(SyntaxToken token)
    {
        if (token.ValueText is not ("Run" or "Spawn") || token.Parent is not SimpleNameSyntax name)
        {
            return null;
        }

        var callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? (ExpressionSyntax)access : name;
        return callee.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null;
    }

    // Every method and local function passed as a method group to Hub.Run/Hub.Spawn.
    private ImmutableHashSet<ISymbol> FindMethodGroups(CancellationToken cancellationToken)
    {
        var found = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var sites = Index.For(_compilation).Of(tree, cancellationToken);
            if (sites.Length == 0)
            {
                continue;
            }

            SemanticModel? model = null;
            var root = tree.GetRoot(cancellationToken);
            foreach (var start in sites)
            {
                foreach (var call in root.FindToken(start).Parent!.AncestorsAndSelf().TakeWhile(n => n.SpanStart == start).OfType<InvocationExpressionSyntax>())
                {
                    if (call.ArgumentList.Arguments.Count != 1
                        || call.ArgumentList.Arguments[0].Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax))
                    {
                        continue;
                    }

#pragma warning disable RS1030 // The entries of the whole compilation: a coroutine's method may be handed to the hub in another file.
                    model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    if (model.GetOperation(call, cancellationToken) is IInvocationOperation invocation && IsStart(invocation)
                        && OperationHelpers.WalkDownConversion(invocation.Arguments[0].Value) is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: var method } })
                    {
                        found.Add(method.OriginalDefinition);
                    }
                }
            }
        }

        return found.ToImmutable();
    }
}
