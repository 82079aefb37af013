using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>How an entry point's code comes to run on another thread (or process).</summary>
internal enum EntryPointKind
{
    /// <summary>The target of a BCL or runtime <c>Thread</c>, or a runtime <c>Thread</c> subclass's <c>Run</c>.</summary>
    Thread,

    /// <summary>The target of a runtime <c>Process</c> (another OS process), or a subclass's <c>Run</c>.</summary>
    Process,

    /// <summary>Work handed to the task scheduler: <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>new Task(…)</c>.</summary>
    Task,

    /// <summary>The body of <c>Parallel.For/ForEach/Invoke</c> or PLINQ's <c>ForAll</c>: several copies at once; the caller waits for them.</summary>
    Parallel,

    /// <summary>Work queued to the thread pool: <c>ThreadPool.QueueUserWorkItem</c>.</summary>
    ThreadPool,

    /// <summary>A timer's callback: <c>System.Threading.Timer</c>, <c>System.Timers.Timer.Elapsed</c>, the runtime's <c>Timer</c>.</summary>
    Timer,
}

/// <summary>A delegate that runs on another thread than the code that creates it.</summary>
internal sealed class EntryPoint
{
    public EntryPoint(EntryPointKind kind, IOperation function, IMethodSymbol? method, IOperation handedTo, bool firesOnce = false)
    {
        Kind = kind;
        Function = function;
        Method = method;
        HandedTo = handedTo;
        FiresOnce = firesOnce;
    }

    public EntryPointKind Kind { get; }

    /// <summary>The lambda, anonymous method or method reference.</summary>
    public IOperation Function { get; }

    /// <summary>The lambda's symbol or the method referred to: whose body runs there.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>The creation or call that hands the delegate over (<c>new Thread(…)</c>, <c>Task.Run(…)</c>).</summary>
    public IOperation HandedTo { get; }

    /// <summary>
    /// A timer that fires once: the runtime's <c>Timer</c> (Python's <c>threading.Timer</c>), a
    /// <c>System.Threading.Timer</c> whose period is infinite and that nothing in its type changes to
    /// a finite one (the one-shot timer that reschedules itself with <c>Change(due, Timeout.Infinite)</c>),
    /// a <c>System.Timers.Timer</c> its type sets <c>AutoReset = false</c>. Its runs never overlap.
    /// </summary>
    public bool FiresOnce { get; }

    /// <summary>
    /// Whether the delegate calls into the object that creates it (<c>new Thread(Work)</c>, <c>_ =&gt; Tick()</c>):
    /// copies of it then share that object's fields. Walked once, on first use.
    /// </summary>
    public bool CallsIntoThis => _callsIntoThis ??=
        Function is IMethodReferenceOperation { Instance: IInstanceReferenceOperation }
        || Function.DescendantsAndSelf().Any(o => o is IInvocationOperation { Instance: IInstanceReferenceOperation });

    private bool? _callsIntoThis;

    /// <summary>
    /// Whether copies of it run at the same time as each other: a <c>Parallel</c> body, a timer that
    /// fires again, or a thread, process, task or work item started inside a loop (one worker per turn).
    /// </summary>
    public bool RunsConcurrentlyWithItself => Kind is EntryPointKind.Parallel || (Kind is EntryPointKind.Timer && !FiresOnce) || IsStartedInALoop;

    /// <summary>The call or creation that hands the delegate over is inside a loop of the function that makes it.</summary>
    public bool IsStartedInALoop
    {
        get
        {
            for (var current = HandedTo.Parent; current is not null and not IAnonymousFunctionOperation and not ILocalFunctionOperation; current = current.Parent)
            {
                if (current is ILoopOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>
/// The entry points of a compilation — the code that runs concurrently with the code that starts
/// it: the delegates handed to threads, processes, tasks, <c>Parallel</c>, the thread pool and timers,
/// and the <c>Run</c> overrides of runtime <c>Thread</c> and <c>Process</c> subclasses. What the
/// shared-state rules start from ("a field written from code reachable from an entry point"), and
/// what the lifecycle rules pair with joins. One per compilation.
/// </summary>
internal sealed class EntryPoints
{
    private static readonly ConditionalWeakTable<Compilation, EntryPoints> PerCompilation = new();

    private readonly INamedTypeSymbol? _thread;
    private readonly INamedTypeSymbol? _runtimeThread;
    private readonly INamedTypeSymbol? _runtimeProcess;
    private readonly INamedTypeSymbol? _task;
    private readonly INamedTypeSymbol? _taskFactory;
    private readonly INamedTypeSymbol? _taskFactoryOfT;
    private readonly INamedTypeSymbol? _parallel;
    private readonly INamedTypeSymbol? _parallelEnumerable;
    private readonly INamedTypeSymbol? _threadPool;
    private readonly INamedTypeSymbol? _threadingTimer;
    private readonly INamedTypeSymbol? _timersTimer;
    private readonly INamedTypeSymbol? _runtimeTimer;

    // What FiresOnce reads from a type's text, scanned once per type declaration.
    private readonly ConcurrentDictionary<TypeDeclarationSyntax, (bool HasFiniteChange, bool OnlyAutoResetFalse)> _timerTexts = new();

    private EntryPoints(Compilation compilation)
    {
        _thread = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread);
        _runtimeThread = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Thread);
        _runtimeProcess = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Process);
        _task = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Task);
        _taskFactory = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskFactory);
        _taskFactoryOfT = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskFactoryOfT);
        _parallel = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Parallel);
        _parallelEnumerable = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ParallelEnumerable);
        _threadPool = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ThreadPool);
        _threadingTimer = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ThreadingTimer);
        _timersTimer = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimersTimer);
        _runtimeTimer = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Timer);
    }

    public static EntryPoints For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new EntryPoints(c));

    /// <summary>Every entry point created in <paramref name="root"/>, in source order.</summary>
    public IEnumerable<EntryPoint> In(IOperation root)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IAnonymousFunctionOperation or IMethodReferenceOperation && Of(operation) is { } entry)
            {
                yield return entry;
            }
        }
    }

    /// <summary>The entry point <paramref name="function"/> (a lambda, anonymous method or method reference) is, or null.</summary>
    public EntryPoint? Of(IOperation function)
    {
        var method = function switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            IMethodReferenceOperation reference => reference.Method,
            _ => null,
        };
        if (method is null)
        {
            return null;
        }

        // The delegate, through its creation and conversions (and the implicit array of a params
        // parameter: Parallel.Invoke), up to what it is handed to.
        var current = function.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation
            || current is IArrayInitializerOperation { Parent: IArrayCreationOperation { IsImplicit: true } }
            || current is IArrayCreationOperation { IsImplicit: true })
        {
            current = current.Parent;
        }

        var kind = current switch
        {
            IArgumentOperation { Parent: IObjectCreationOperation { Constructor.ContainingType: var type } } => Created(type),
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod: var target } } => Called(target),
            IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation { Event: { Name: "Elapsed", ContainingType: var owner } } }
                when TaskSymbols.Is(owner?.OriginalDefinition, _timersTimer) => EntryPointKind.Timer,
            _ => (EntryPointKind?)null,
        };
        var handedTo = current is IArgumentOperation argument ? argument.Parent! : current;
        return kind is { } found && handedTo is not null ? new EntryPoint(found, function, method, handedTo, found == EntryPointKind.Timer && FiresOnce(handedTo)) : null;
    }

    // See EntryPoint.FiresOnce. A Change or AutoReset anywhere in the creating type is read from its
    // text: the timer's identity is not tracked, so any finite Change in the type makes it periodic.
    private bool FiresOnce(IOperation handedTo)
    {
        switch (handedTo)
        {
            case IObjectCreationOperation { Constructor.ContainingType: var type } creation:
                if (TaskSymbols.Is(type?.OriginalDefinition, _runtimeTimer))
                {
                    return true;
                }

                return creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "period") is { } period
                    && IsInfinite(period.Value)
                    && TypeOf(creation) is { } owner && !TextOf(owner).HasFiniteChange;
            case IEventAssignmentOperation when TypeOf(handedTo) is { } declaring:
                return TextOf(declaring).OnlyAutoResetFalse;
            default:
                return false;
        }
    }

    private (bool HasFiniteChange, bool OnlyAutoResetFalse) TextOf(TypeDeclarationSyntax type) => _timerTexts.GetOrAdd(type, static t =>
    {
        var text = t.ToString();
        return (HasFiniteChange(t), text.Contains("AutoReset = false") && !text.Contains("AutoReset = true"));
    });

    private static bool IsInfinite(IOperation value)
    {
        value = OperationHelpers.WalkDownConversion(value);
        return value.ConstantValue is { HasValue: true, Value: int or long or uint } constant
                ? Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture) is -1 or uint.MaxValue
                : value is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } };
    }

    // timer.Change(due, period) with a period that is not spelled infinite (Timeout.Infinite, -1, InfiniteTimeSpan).
    private static bool HasFiniteChange(SyntaxNode type) =>
        type.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
            call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Change" }
            && (call.ArgumentList.Arguments.Count < 2
                || call.ArgumentList.Arguments[1].Expression.ToString() is var period && !period.Contains("Infinite") && period.Replace(" ", string.Empty) != "-1"));

    private static TypeDeclarationSyntax? TypeOf(IOperation operation) => operation.Syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>();

    /// <summary>Whether <paramref name="method"/> is the <c>Run</c> override of a runtime <c>Thread</c> or <c>Process</c> subclass: it runs there when started.</summary>
    public EntryPointKind? OfOverride(IMethodSymbol method)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (overridden.Name == "Run" && overridden.OverriddenMethod is null)
            {
                var owner = overridden.ContainingType.OriginalDefinition;
                return TaskSymbols.Is(owner, _runtimeThread) ? EntryPointKind.Thread
                    : TaskSymbols.Is(owner, _runtimeProcess) ? EntryPointKind.Process
                    : null;
            }
        }

        return null;
    }

    private EntryPointKind? Created(INamedTypeSymbol? type)
    {
        for (var current = type?.OriginalDefinition; current is not null; current = current.BaseType?.OriginalDefinition)
        {
            if (TaskSymbols.Is(current, _runtimeTimer) || TaskSymbols.Is(current, _threadingTimer))
            {
                return EntryPointKind.Timer;
            }

            if (TaskSymbols.Is(current, _thread) || TaskSymbols.Is(current, _runtimeThread))
            {
                return EntryPointKind.Thread;
            }

            if (TaskSymbols.Is(current, _runtimeProcess))
            {
                return EntryPointKind.Process;
            }

            if (TaskSymbols.Is(current, _task))
            {
                return EntryPointKind.Task;
            }
        }

        return null;
    }

    private EntryPointKind? Called(IMethodSymbol target)
    {
        var owner = target.ContainingType?.OriginalDefinition;
        return target.Name switch
        {
            "Run" when TaskSymbols.Is(owner, _task) => EntryPointKind.Task,
            "StartNew" when TaskSymbols.Is(owner, _taskFactory) || TaskSymbols.Is(owner, _taskFactoryOfT) => EntryPointKind.Task,
            "For" or "ForEach" or "ForEachAsync" or "Invoke" when TaskSymbols.Is(owner, _parallel) => EntryPointKind.Parallel,
            "ForAll" when TaskSymbols.Is(owner, _parallelEnumerable) => EntryPointKind.Parallel,
            "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when TaskSymbols.Is(owner, _threadPool) => EntryPointKind.ThreadPool,
            _ => null,
        };
    }
}
