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
/// calls <c>Thread.Sleep</c>, waits on a task (CONC401's waits), or makes a call CONC403 would report
/// in async code — directly or through calls to other synchronous methods of the compilation, on the
/// shared summary engine (<see cref="CallGraphSummaries{TKey}"/>: call cycles solved, up to
/// <see cref="CallGraphSummaries{TKey}.MaxDepth"/> calls deep, the shortest chain named). Lambdas a
/// body runs at once (<c>list.ForEach(x =&gt; …)</c>) are part of it.
/// </summary>
internal sealed class BlockingSummaries
{
    private static readonly ConditionalWeakTable<Compilation, BlockingSummaries> PerCompilation = new();

    private readonly Compilation _compilation;
    private readonly TaskSymbols _symbols;
    private readonly AsyncCounterparts _counterparts;
    private readonly SynchronousCallbacks _callbacks;
    private readonly INamedTypeSymbol? _thread;
    private readonly CallGraphSummaries<bool> _summaries;

    private BlockingSummaries(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options)
    {
        _compilation = compilation;
        _symbols = symbols;
        _counterparts = AsyncCounterparts.For(compilation, symbols, options);
        _callbacks = SynchronousCallbacks.For(compilation);
        _thread = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread);
        // The one key is "blocks"; the call named is the one run, not an override of it.
        _summaries = new CallGraphSummaries<bool>(Read, (method, _) => new[] { method }, EqualityComparer<bool>.Default, Display);
    }

    public static BlockingSummaries For(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options) =>
        PerCompilation.GetValue(compilation, c => new BlockingSummaries(c, symbols, options));

    /// <summary>Whether CONC407 follows calls into <paramref name="method"/>: a synchronous method with a body in this compilation.</summary>
    public bool IsSummarized(IMethodSymbol method) =>
        !method.IsAsync
        && method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction
        && !method.IsAbstract
        && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly)
        && method.DeclaringSyntaxReferences.Length > 0;

    /// <summary>Why <paramref name="method"/> blocks, or null when it does not (as far as the summaries see).</summary>
    public BlockingChain? Of(IMethodSymbol method, CancellationToken cancellationToken) =>
        IsSummarized(method) ? Chain(_summaries.Of(method, cancellationToken)) : null;

    /// <summary>
    /// Why a synchronous lambda blocks when it is invoked: <c>Func&lt;int&gt; f = () =&gt; t.Result;</c>
    /// is harmless until async code calls <c>f()</c>.
    /// </summary>
    public BlockingChain? OfLambda(IAnonymousFunctionOperation lambda, CancellationToken cancellationToken)
    {
        if (lambda.Symbol.IsAsync || lambda.SemanticModel is null)
        {
            return null;
        }

        var facts = new BodyFacts<bool>();
        AddFacts(lambda.Body, lambda.SemanticModel, facts, cancellationToken);
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
            AddFacts(body, body.SemanticModel!, facts, cancellationToken);
        }

        return facts;
    }

    private void AddFacts(IOperation body, SemanticModel model, BodyFacts<bool> facts, CancellationToken cancellationToken)
    {
        foreach (var call in _callbacks.MayRun(body))
        {
            if (call is not (IInvocationOperation or IPropertyReferenceOperation))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (DirectBlocker(call, model) is { } blocker)
            {
                facts.AddLocal(true, blocker, call.Syntax.GetLocation(), call.Syntax.SpanStart);
            }
            else if (call is IInvocationOperation { TargetMethod: var callee } && IsSummarized(callee))
            {
                facts.AddCall(callee.OriginalDefinition, call.Syntax.SpanStart);
            }
        }
    }

    /// <summary>The blocking API <paramref name="call"/> runs directly, or null.</summary>
    private string? DirectBlocker(IOperation call, SemanticModel model)
    {
        if (BlockingWait.Classify(call, _symbols) is { } wait)
        {
            return IsSynchronousByConstruction(call, wait) ? null : "Task" + wait.MemberText.Replace("Task.", ".");
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

    /// <summary>
    /// The synchronous wrapper of the dual-path pattern: <c>XCore(async: false).GetAwaiter().GetResult()</c>
    /// waits on a task that completed synchronously, because the flag told it not to go async.
    /// </summary>
    private bool IsSynchronousByConstruction(IOperation call, BlockingWait wait)
    {
        var operands = BlockingWait.TaskOperands(call, wait.Kind, _symbols);
        return !operands.IsEmpty && operands.All(operand =>
            operand is IInvocationOperation call
            && call.Arguments.Any(a =>
                a.Parameter is { Type.SpecialType: SpecialType.System_Boolean } parameter
                && parameter.Name.IndexOf("async", StringComparison.OrdinalIgnoreCase) >= 0
                && a.Value.ConstantValue is { HasValue: true, Value: false }));
    }

    private static string Display(IMethodSymbol method) => $"{method.ContainingType.Name}.{method.Name}";
}
