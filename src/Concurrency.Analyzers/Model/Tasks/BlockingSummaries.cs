using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>Why a synchronous method blocks: the calls from it down to the blocking API, and where that API is called.</summary>
internal sealed class BlockingChain
{
    public BlockingChain(ImmutableArray<string> path, Location location)
    {
        Path = path;
        Location = location;
    }

    /// <summary>The callees from the summarized method down to the blocking API, e.g. <c>Settings.Read → File.ReadAllText</c>.</summary>
    public ImmutableArray<string> Path { get; }

    /// <summary>Where the blocking API is called.</summary>
    public Location Location { get; }

    public string PathText => string.Join(" → ", Path);

    public string LocationText => OperationHelpers.Place(Location);
}

/// <summary>
/// Per-compilation summaries for CONC407: whether a synchronous method of the compilation blocks —
/// calls <c>Thread.Sleep</c>, waits on a task CONC401 would report (not one <see cref="CompletedWaits"/>
/// proves complete), or makes a call CONC403 would report in async code (its exclusions included) —
/// directly or through calls to other synchronous methods of the compilation, on the shared summary
/// engine (<see cref="CallGraphSummaries{TKey}"/>: call cycles solved, up to
/// <see cref="CallGraphSummaries{TKey}.MaxDepth"/> calls deep, the shortest chain named). Lambdas a
/// body runs at once (<c>list.ForEach(x =&gt; …)</c>) are part of it. A method that returns a task
/// without being <c>async</c> is summarized by what it runs before it returns the task, which is all
/// of its body but the lambdas and async local functions the task runs later. Not counted: code only
/// on the way to a throw or in a <c>catch</c> (<see cref="ExceptionPaths"/>), the synchronous side of
/// a dual path (<see cref="DualPath"/>), and calls that pass <c>FireAndForget</c>.
/// </summary>
internal sealed class BlockingSummaries
{
    private static readonly ConditionalWeakTable<Compilation, BlockingSummaries> PerCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, BlockingSummaries> PerCompilationForHub = new();

    private readonly Compilation _compilation;
    private readonly TaskSymbols _symbols;
    private readonly AsyncCounterparts _counterparts;
    private readonly SynchronousCallbacks _callbacks;
    private readonly INamedTypeSymbol? _thread;
    private readonly INamedTypeSymbol? _dbDataReader;
    private readonly CallGraphSummaries<bool> _summaries;

    // For the hub (CONC405): async methods are followed too (awaited from a coroutine, they run on
    // the hub thread), and the blocking calls of BlockingApi count beside sleeps, waits and IO.
    private readonly BlockingApiSymbols? _blockingApi;

    private BlockingSummaries(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options, bool forHub)
    {
        _blockingApi = forHub ? BlockingApiSymbols.For(compilation) : null;
        _compilation = compilation;
        _symbols = symbols;
        _counterparts = AsyncCounterparts.For(compilation, symbols, options);
        _callbacks = SynchronousCallbacks.For(compilation);
        _thread = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread);
        _dbDataReader = compilation.GetTypeByMetadataName(KnownTypes.Bcl.DbDataReader);
        // The one key is "blocks"; the call named is the one run, not an override of it.
        _summaries = new CallGraphSummaries<bool>(Read, (method, _) => new[] { method }, EqualityComparer<bool>.Default, Display);
    }

    public static BlockingSummaries For(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options) =>
        PerCompilation.GetValue(compilation, c => new BlockingSummaries(c, symbols, options, forHub: false));

    /// <summary>
    /// The summaries CONC405 reads: what blocks the one thread of a hub. As <see cref="For"/>, but
    /// async methods of the compilation are followed as well (a coroutine that awaits one runs it on
    /// the hub thread), and the calls of <see cref="BlockingApi"/> (events, locks, joins, the
    /// inter-process queue…) block besides sleeps, waits on tasks and synchronous IO.
    /// </summary>
    public static BlockingSummaries ForHub(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options) =>
        PerCompilationForHub.GetValue(compilation, c => new BlockingSummaries(c, symbols, options, forHub: true));

    /// <summary>
    /// Whether CONC407 follows calls into <paramref name="method"/>: a synchronous method with a body
    /// in this compilation, other than a data reader's read of its buffered row.
    /// </summary>
    public bool IsSummarized(IMethodSymbol method) =>
        (!method.IsAsync || _blockingApi is not null)
        && method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction
        && !method.IsAbstract
        && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly)
        && method.DeclaringSyntaxReferences.Length > 0
        && !AsyncCounterpartExclusions.IsBufferedRowRead(method, _dbDataReader);

    /// <summary>Why <paramref name="method"/> blocks, or null when it does not (as far as the summaries see).</summary>
    public BlockingChain? Of(IMethodSymbol method, CancellationToken cancellationToken) =>
        IsSummarized(method) ? Chain(_summaries.Of(method, cancellationToken)) : null;

    /// <summary>
    /// Why a synchronous lambda blocks when it is invoked: <c>Func&lt;int&gt; f = () =&gt; t.Result;</c>
    /// is harmless until async code calls <c>f()</c>.
    /// </summary>
    public BlockingChain? OfLambda(IAnonymousFunctionOperation lambda, ISymbol containingSymbol, CancellationToken cancellationToken)
    {
        if (lambda.Symbol.IsAsync || lambda.SemanticModel is null)
        {
            return null;
        }

        var facts = new BodyFacts<bool>();
        AddFacts(lambda.Body, lambda.SemanticModel, containingSymbol, facts, cancellationToken);
        return Chain(_summaries.OfBody(facts, cancellationToken));
    }

    private static BlockingChain? Chain(MethodSummary<bool> summary) =>
        summary.Path(true) is { IsDefault: false } path && summary.Site(true) is { } site ? new BlockingChain(path, site) : null;

    private BodyFacts<bool>? Read(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (!IsSummarized(method))
        {
            return null;
        }

        var facts = new BodyFacts<bool>();
        foreach (var body in OperationHelpers.BodiesOf(method, _compilation, cancellationToken))
        {
            AddFacts(body, body.SemanticModel!, method, facts, cancellationToken);
        }

        return facts;
    }

    private void AddFacts(IOperation body, SemanticModel model, ISymbol containingSymbol, BodyFacts<bool> facts, CancellationToken cancellationToken)
    {
        CompletedWaits? completed = null;
        foreach (var call in _callbacks.MayRun(body))
        {
            if (call is not (IInvocationOperation or IPropertyReferenceOperation))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();

            // Work done only on the way to a throw, or on the synchronous side of a dual path, is not the caller's.
            if (ExceptionPaths.IsExceptionOnly(call) || DualPath.IsSynchronousSide(call, containingSymbol))
            {
                continue;
            }

            // Positions are where calls end: in 'Make().Use()' Make() runs, and is named, first.
            if (DirectBlocker(call, model, ref completed, cancellationToken) is { } blocker)
            {
                facts.AddLocal(true, blocker, call.Syntax.GetLocation(), call.Syntax.Span.End);
            }
            else if (call is IInvocationOperation { TargetMethod: var callee } invocation && IsSummarized(callee) && !AsyncCounterpartExclusions.IsFireAndForget(invocation))
            {
                facts.AddCall(callee.OriginalDefinition, call.Syntax.Span.End);
            }
        }
    }

    /// <summary>The blocking API <paramref name="call"/> runs directly, or null.</summary>
    private string? DirectBlocker(IOperation call, SemanticModel model, ref CompletedWaits? completed, CancellationToken cancellationToken)
    {
        if (BlockingWait.Classify(call, _symbols) is { } wait)
        {
            var operands = BlockingWait.TaskOperands(call, wait.Kind, _symbols);
            var synchronousByConstruction = !operands.IsEmpty && operands.All(DualPath.PassesSynchronousFlag);
            return synchronousByConstruction || (completed ??= new CompletedWaits(_symbols, cancellationToken)).IsComplete(wait)
                ? null
                : wait.BlockerText;
        }

        if (call is not IInvocationOperation invocation)
        {
            return null;
        }

        var method = invocation.TargetMethod;
        if (TaskSymbols.Is(method.ContainingType, _thread) && method.Name == "Sleep")
        {
            return "Thread.Sleep";
        }

        if (_blockingApi?.BlockerOf(invocation) is { } blocking)
        {
            return blocking;
        }

        if (IsSummarized(method) || _symbols.IsTaskLike(method.ContainingType) || _symbols.IsTaskLike(invocation.Instance?.Type))
        {
            return null; // our own methods are followed, not flagged; tasks are CONC401's
        }

        if (!_counterparts.Find(invocation, model).Any)
        {
            return null;
        }

        return _counterparts.IsExcluded(invocation) ? null : $"{(method.ReducedFrom ?? method).ContainingType.Name}.{method.Name}";
    }

    private static string Display(IMethodSymbol method) => $"{method.ContainingType.Name}.{method.Name}";
}
