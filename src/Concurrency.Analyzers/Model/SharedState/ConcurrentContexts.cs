using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>
/// How a piece of code comes to run concurrently with other code: the entry point it runs in (or
/// is reached from, through calls), and the chain of calls from there.
/// </summary>
internal sealed class ConcurrentContext
{
    public ConcurrentContext(EntryPoint? entry, EntryPointKind kind, string start, Location location, ImmutableArray<string> chain, bool withItself, INamedTypeSymbol? starter)
    {
        Starter = starter;
        Entry = entry;
        Kind = kind;
        Start = start;
        Location = location;
        Chain = chain;
        RunsConcurrentlyWithItself = withItself;
    }

    /// <summary>The delegate handed over, or null for the <c>Run</c> override of a runtime <c>Thread</c>/<c>Process</c> subclass.</summary>
    public EntryPoint? Entry { get; }

    public EntryPointKind Kind { get; }

    /// <summary>How a message names the start: <c>Task.Run in Crawl</c>, <c>Worker.Run override</c>.</summary>
    public string Start { get; }

    /// <summary>Where it starts: the call or creation that hands the delegate over, or the override.</summary>
    public Location Location { get; }

    /// <summary>The calls from the entry point's body to the code asked about (empty: the code is in that body).</summary>
    public ImmutableArray<string> Chain { get; }

    /// <summary>
    /// The type whose code starts it (the definition): the type of the member that hands the delegate
    /// over, or of the <c>Run</c> override. Its objects' own fields are what the worker shares with them.
    /// </summary>
    public INamedTypeSymbol? Starter { get; }

    /// <summary>The same context, reached through one more call.</summary>
    public ConcurrentContext Through(string step) => new(Entry, Kind, Start, Location, Chain.Add(step), RunsConcurrentlyWithItself, Starter);

    /// <summary>The same context, run beside copies of itself.</summary>
    public ConcurrentContext BesideItself() => new(Entry, Kind, Start, Location, Chain, withItself: true, Starter);

    /// <summary>Whether copies of this code run at the same time as each other (<see cref="EntryPoint.RunsConcurrentlyWithItself"/>).</summary>
    public bool RunsConcurrentlyWithItself { get; }

    /// <summary>The context as messages print it: <c>Task.Run in Crawl (Crawler.cs:12)</c>, <c>…, through Poll()</c>.</summary>
    public string Describe() =>
        $"{Start} ({OperationHelpers.Place(Location)})" + (Chain.IsEmpty ? string.Empty : ", through " + string.Join(" → ", Chain));
}

/// <summary>
/// Which code of a compilation runs concurrently with other code, and how — the shared-state rules'
/// (CONC3xx) "concurrent context": the bodies of the compilation's entry points
/// (<see cref="EntryPoints"/>: thread, process, task, <c>Parallel</c>, PLINQ, thread-pool and timer
/// delegates, and runtime <c>Thread</c>/<c>Process</c> <c>Run</c> overrides), the lambdas those bodies
/// run at once (<see cref="SynchronousCallbacks"/>), and the source methods they call, through calls
/// (and property accessors) up to <see cref="MaxDepth"/> deep, virtual calls to the overrides the
/// receiver allows (<see cref="CallTargets"/>). A method reached from several entry points keeps the
/// nearest (then the first in source order): the model answers "does this run concurrently, and one
/// reason why", not every reason. A lambda that is neither an entry point nor run at once (stored,
/// returned, run later) has no context: the model does not guess when it runs. Built on first
/// demand, once per compilation: the trees are searched for the words that can name an entry
/// point first (<see cref="SyntaxNameIndex"/>), and only the sites found are bound.
/// </summary>
internal sealed class ConcurrentContexts
{
    /// <summary>How many calls deep from an entry point's body code still counts as run there.</summary>
    public const int MaxDepth = 5;

    private static readonly ConditionalWeakTable<Compilation, ConcurrentContexts> PerCompilation = new();

    // The words an entry point's site is named by: the calls and creations that hand a delegate over, and Run overrides.
    private static readonly SyntaxNameIndex Index = new(
        new[] { "Thread", "Process", "Task", "Timer", "Run", "StartNew", "For", "ForEach", "ForEachAsync", "Invoke", "ForAll", "QueueUserWorkItem", "UnsafeQueueUserWorkItem", "Elapsed" },
        Site);

    private readonly Compilation _compilation;
    private readonly EntryPoints _entryPoints;
    private readonly CallTargets _targets;
    private readonly SynchronousCallbacks _callbacks;
    private readonly Lazy<Reach> _reach;
    private readonly ConcurrentDictionary<SyntaxTree, Lazy<TreeEntries>> _trees = new();
    private readonly Func<SyntaxTree, Lazy<TreeEntries>> _readTree;

    private ConcurrentContexts(Compilation compilation)
    {
        _compilation = compilation;
        _entryPoints = EntryPoints.For(compilation);
        _targets = CallTargets.For(compilation);
        _callbacks = SynchronousCallbacks.For(compilation);
        _reach = new Lazy<Reach>(() => Build(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
        _readTree = tree => new Lazy<TreeEntries>(() => Read(tree, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static ConcurrentContexts For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new ConcurrentContexts(c));

    /// <summary>
    /// The context the code at <paramref name="operation"/> runs in, or null when nothing says it runs
    /// concurrently: the innermost entry point around it, else (through lambdas run at once) the
    /// context of the method or local function it is in. <paramref name="member"/> is the member whose
    /// body holds the operation (an analysis context's <c>ContainingSymbol</c>); without it, it is
    /// found from the operation's semantic model (which control-flow-graph operations do not have).
    /// </summary>
    public ConcurrentContext? Of(IOperation operation, ISymbol? member = null)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    if (In(lambda.Syntax.SyntaxTree).ByFunction.TryGetValue(lambda.Syntax, out var entry))
                    {
                        return entry;
                    }

                    if (!_callbacks.RunsNow(lambda))
                    {
                        return null;
                    }

                    break;
                case ILocalFunctionOperation local:
                    return OfMethod(local.Symbol);
            }
        }

        var owner = (member ?? operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart)) as IMethodSymbol;
        while (owner is { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            owner = owner.ContainingSymbol as IMethodSymbol;
        }

        return owner is null ? null : OfMethod(owner);
    }

    /// <summary>The context a method (or local function, or accessor) runs in: reached from an entry point, or a <c>Run</c> override itself.</summary>
    public ConcurrentContext? OfMethod(IMethodSymbol method) =>
        Whole().ByMethod.TryGetValue(CallTargets.BodyOwner(method), out var context) ? context : null;

    /// <summary>Whether <paramref name="type"/> may start an entry point in its code (judged from its text) or has code one reaches: whether its fields may be shared between threads.</summary>
    public bool Involves(INamedTypeSymbol type)
    {
        // Its own text first (a site of an entry point in one of its parts: nothing is bound, and a
        // yes only costs a closer look), then what the entry points reach.
        var definition = type.OriginalDefinition;
        var sites = Index.For(_compilation);
        return definition.DeclaringSyntaxReferences.Any(r => sites.MayContain(r.GetSyntax(), CancellationToken.None))
            || Whole().Types.Contains(definition);
    }

    /// <summary>The entry points created in the member whose body holds <paramref name="root"/> (its lambdas included), in source order: what runs concurrently with the code after them.</summary>
    public IEnumerable<EntryPoint> StartedIn(IOperation root)
    {
        var span = root.Syntax.Span;
        return In(root.Syntax.SyntaxTree).EntryPoints.Where(e => span.Contains(e.HandedTo.Syntax.Span));
    }

    // The entry points of one tree, read once, by whichever thread asks first (each tree on its own: no thread waits for the whole compilation to be read).
    private TreeEntries In(SyntaxTree tree) => _trees.GetOrAdd(tree, _readTree).Value;

    // What the entry points reach. Before waiting for it, a thread reads the trees not read yet
    // itself, starting at a tree of its own, so threads share the reading instead of queuing for it.
    private Reach Whole()
    {
        if (!_reach.IsValueCreated)
        {
            var trees = _compilation.SyntaxTrees.ToList();
            var first = trees.Count == 0 ? 0 : (System.Threading.Thread.CurrentThread.ManagedThreadId * 7919) % trees.Count;
            for (var i = 0; i < trees.Count; i++)
            {
                _ = In(trees[(first + i) % trees.Count]);
            }
        }

        return _reach.Value;
    }

    // The token that may name an entry point's site: the name of a call or creation, an event, or a method declared Run.
    private static SyntaxNode? Site(SyntaxToken token)
    {
        if (!token.IsKind(SyntaxKind.IdentifierToken))
        {
            return null;
        }

        switch (token.ValueText)
        {
            case "Run" when token.Parent is MethodDeclarationSyntax { ParameterList.Parameters.Count: 0 } declaration && declaration.Modifiers.Any(SyntaxKind.OverrideKeyword):
                return declaration;
            case "Thread" or "Process" or "Task" or "Timer":
                // new Thread(…), new System.Threading.Timer(…).
                for (SyntaxNode? node = token.Parent; node is NameSyntax; node = node.Parent)
                {
                    if (node.Parent is ObjectCreationExpressionSyntax creation && creation.Type == node)
                    {
                        return creation;
                    }
                }

                return null;
            case "Elapsed":
                return token.Parent?.Parent is MemberAccessExpressionSyntax { Parent: AssignmentExpressionSyntax assignment } && assignment.IsKind(SyntaxKind.AddAssignmentExpression) ? assignment : null;
            case "Run" or "StartNew" or "For" or "ForEach" or "ForEachAsync" or "Invoke" or "ForAll" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem":
                var callee = token.Parent is SimpleNameSyntax name && name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? (ExpressionSyntax)access : token.Parent as ExpressionSyntax;
                return callee?.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null;
            default:
                return null;
        }
    }

    // The entry points created in one tree, and the Run overrides declared there.
    private TreeEntries Read(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var entries = new TreeEntries();
        var starts = Index.For(_compilation).Of(tree, cancellationToken);
        if (starts.Length == 0)
        {
            return entries;
        }

        var model = _compilation.GetSemanticModel(tree);
        var root = tree.GetRoot(cancellationToken);
        foreach (var start in starts)
        {
            // The site's start is shared by the calls it is the receiver of (items.AsParallel().ForAll(…)): each is tried.
            foreach (var node in root.FindToken(start).Parent!.AncestorsAndSelf().TakeWhile(n => n.SpanStart == start))
            {
                if (node is MethodDeclarationSyntax declaration)
                {
                    if (model.GetDeclaredSymbol(declaration, cancellationToken) is { } method && _entryPoints.OfOverride(method) is { } overrideKind)
                    {
                        var type = method.ContainingType.OriginalDefinition;
                        entries.Roots.Add((method, null, new ConcurrentContext(null, overrideKind, $"{method.ContainingType.Name}.Run override", declaration.Identifier.GetLocation(), ImmutableArray<string>.Empty, withItself: false, type)));
                        entries.Starters.Add(type);
                    }
                }
                else if (node is ObjectCreationExpressionSyntax or InvocationExpressionSyntax or AssignmentExpressionSyntax && model.GetOperation(node, cancellationToken) is { } handedTo)
                {
                    foreach (var function in Delegates(handedTo))
                    {
                        if (_entryPoints.Of(function) is not { } entry || entries.ByFunction.ContainsKey(function.Syntax))
                        {
                            continue;
                        }

                        var starter = model.GetEnclosingSymbol(node.SpanStart, cancellationToken)?.ContainingType?.OriginalDefinition;
                        var context = new ConcurrentContext(entry, entry.Kind, StartText(entry), entry.HandedTo.Syntax.GetLocation(), ImmutableArray<string>.Empty, entry.RunsConcurrentlyWithItself, starter);
                        entries.EntryPoints.Add(entry);
                        entries.ByFunction[function.Syntax] = context;
                        entries.Roots.Add(function is IAnonymousFunctionOperation lambda ? (null, lambda.Body, context) : (entry.Method, null, context));
                        if (starter is not null)
                        {
                            entries.Starters.Add(starter);
                        }
                    }
                }
            }
        }

        return entries;
    }

    // Every tree's entry points, and what they reach.
    private Reach Build(CancellationToken cancellationToken)
    {
        var trees = _compilation.SyntaxTrees.Select(In).ToList();
        var reached = Reached(trees.SelectMany(t => t.Roots).ToList(), cancellationToken);
        var types = new HashSet<INamedTypeSymbol>(reached.Keys.Select(m => m.ContainingType.OriginalDefinition), SymbolEqualityComparer.Default);
        types.UnionWith(trees.SelectMany(t => t.Starters));
        types.UnionWith(trees.SelectMany(t => t.EntryPoints).Select(e => e.Method?.ContainingType?.OriginalDefinition).OfType<INamedTypeSymbol>());
        return new Reach(reached, types);
    }

    // The lambdas and method references among the arguments of a call or creation (or the handler of an event).
    private static IEnumerable<IOperation> Delegates(IOperation handedTo)
    {
        IEnumerable<IOperation> values = handedTo switch
        {
            IInvocationOperation call => call.Arguments.Select(a => a.Value),
            IObjectCreationOperation creation => creation.Arguments.Select(a => a.Value),
            IEventAssignmentOperation handler => new[] { handler.HandlerValue },
            _ => Enumerable.Empty<IOperation>(),
        };

        // Parallel.Invoke(a, b, c): the elements of a params array.
        return values
            .SelectMany(v => Unwrap(v) is IArrayCreationOperation { IsImplicit: true, Initializer: { } initializer } ? (IEnumerable<IOperation>)initializer.ElementValues : new[] { v })
            .Select(Unwrap)
            .Where(d => d is IAnonymousFunctionOperation or IMethodReferenceOperation);
    }

    // Through the delegate's creation and conversions to the lambda or method reference.
    private static IOperation Unwrap(IOperation value)
    {
        var current = value;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)current).Operand;
        }

        return current;
    }

    // Task.Run in Crawl, new Thread in Main, Timer.Elapsed in Start.
    private static string StartText(EntryPoint entry)
    {
        var how = entry.HandedTo switch
        {
            IInvocationOperation call => $"{call.TargetMethod.ContainingType.Name}.{call.TargetMethod.Name}",
            IObjectCreationOperation creation => $"new {creation.Type?.Name}",
            IEventAssignmentOperation { EventReference: IEventReferenceOperation reference } => $"{reference.Event.ContainingType.Name}.{reference.Event.Name}",
            _ => entry.Kind.ToString(),
        };
        var member = entry.HandedTo.Syntax.Ancestors().Select(n => n switch
        {
            LocalFunctionStatementSyntax local => local.Identifier.ValueText,
            MethodDeclarationSyntax method => method.Identifier.ValueText,
            ConstructorDeclarationSyntax constructor => constructor.Identifier.ValueText,
            PropertyDeclarationSyntax property => property.Identifier.ValueText,
            _ => null,
        }).FirstOrDefault(n => n is not null);
        return member is null ? how : $"{how} in {member}";
    }

    // Breadth first from the roots: each method reached keeps the context of the first root to reach
    // it, by the fewest calls. A method two entry points reach (two threads started on Work) runs
    // beside itself, and so does all it calls.
    private Dictionary<IMethodSymbol, ConcurrentContext> Reached(List<(IMethodSymbol? Method, IOperation? Body, ConcurrentContext Context)> roots, CancellationToken cancellationToken)
    {
        var reached = new Dictionary<IMethodSymbol, ConcurrentContext>(SymbolEqualityComparer.Default);
        var callees = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        var twice = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var pending = new Queue<(IMethodSymbol? Method, IEnumerable<IOperation> Bodies, ConcurrentContext Context, int Depth)>();
        void Reach(IMethodSymbol method, ConcurrentContext context, int depth)
        {
            var owner = CallTargets.BodyOwner(method);
            if (reached.TryGetValue(owner, out var known))
            {
                if (!known.Location.Equals(context.Location))
                {
                    twice.Add(owner);
                }
            }
            else if (_targets.IsInSource(owner) && !owner.IsAbstract)
            {
                var next = depth == 0 ? context : context.Through(InstanceCalls.Step(owner));
                reached.Add(owner, next);
                pending.Enqueue((owner, OperationHelpers.BodiesOf(owner, _compilation, cancellationToken), next, depth));
            }
        }

        foreach (var (method, body, context) in roots)
        {
            if (method is not null)
            {
                Reach(method, context, 0);
            }
            else if (body is not null)
            {
                pending.Enqueue((null, new[] { body }, context, 0));
            }
        }

        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (method, bodies, context, depth) = pending.Dequeue();
            if (depth == MaxDepth)
            {
                continue;
            }

            foreach (var body in bodies)
            {
                foreach (var (callee, receiver) in Calls(body))
                {
                    foreach (var target in _targets.Targets(callee, receiver))
                    {
                        if (method is not null)
                        {
                            callees.AddToList(method, CallTargets.BodyOwner(target));
                        }

                        Reach(target, context, depth + 1);
                    }
                }
            }
        }

        var spread = new Stack<IMethodSymbol>(twice);
        while (spread.Count > 0)
        {
            var method = spread.Pop();
            if (callees.TryGetValue(method, out var called))
            {
                foreach (var callee in called.Where(c => reached.ContainsKey(c) && twice.Add(c)))
                {
                    spread.Push(callee);
                }
            }
        }

        foreach (var method in twice)
        {
            reached[method] = reached[method].BesideItself();
        }

        return reached;
    }

    // The methods a body calls (local functions and accessors included), with the receiver's static type for dispatch.
    private IEnumerable<(IMethodSymbol Callee, ITypeSymbol? Receiver)> Calls(IOperation body)
    {
        foreach (var operation in _callbacks.MayRun(body))
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    yield return (call.TargetMethod, call.Instance?.Type);
                    break;
                case IPropertyReferenceOperation property:
                    foreach (var accessor in InstanceCalls.AccessorsRun(property))
                    {
                        yield return (accessor, property.Instance?.Type);
                    }

                    break;
            }
        }
    }

    private sealed class TreeEntries
    {
        public List<EntryPoint> EntryPoints { get; } = new();

        /// <summary>The lambdas and method references handed over as entry points, by their syntax.</summary>
        public Dictionary<SyntaxNode, ConcurrentContext> ByFunction { get; } = new();

        /// <summary>Where the reach starts: the methods handed over and Run overrides, or the lambdas' bodies.</summary>
        public List<(IMethodSymbol? Method, IOperation? Body, ConcurrentContext Context)> Roots { get; } = new();

        /// <summary>The types whose code starts them (definitions).</summary>
        public HashSet<INamedTypeSymbol> Starters { get; } = new(SymbolEqualityComparer.Default);
    }

    private sealed class Reach
    {
        public Reach(Dictionary<IMethodSymbol, ConcurrentContext> byMethod, HashSet<INamedTypeSymbol> types)
        {
            Types = types;
            ByMethod = byMethod;
        }

        public Dictionary<IMethodSymbol, ConcurrentContext> ByMethod { get; }

        /// <summary>The types that start entry points or hold code they reach (their definitions).</summary>
        public HashSet<INamedTypeSymbol> Types { get; }
    }
}
