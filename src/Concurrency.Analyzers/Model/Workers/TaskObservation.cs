using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>
/// Whether anyone observes a task's completion — awaits it, waits for it, or hands it on — for the
/// lifecycle rules on tasks (CONC204, CONC209). The course's lesson on <c>join</c> for the work a
/// task stands for: a task nobody observes is work whose end, and whose exception, nobody sees.
/// </summary>
internal sealed class TaskObservation
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, TaskObservation?> PerCompilation = new();

    private readonly TaskSymbols _tasks;
    private readonly INamedTypeSymbol? _taskFactory;
    private readonly INamedTypeSymbol? _taskFactoryOfT;
    private readonly INamedTypeSymbol? _continuationOptions;
    private readonly INamedTypeSymbol? _executor;

    private TaskObservation(Compilation compilation, TaskSymbols tasks)
    {
        _tasks = tasks;
        _taskFactory = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskFactory);
        _taskFactoryOfT = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskFactoryOfT);
        _continuationOptions = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskContinuationOptions);
        _executor = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Executor);
    }

    /// <summary>The one per compilation (CONC204 and CONC209 share it); null without <c>System.Threading.Tasks.Task</c>.</summary>
    public static TaskObservation? For(Compilation compilation) =>
        PerCompilation.GetValue(compilation, c => TaskSymbols.Create(c) is { } tasks ? new TaskObservation(c, tasks) : null);

    /// <summary>The call as people name it: <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>SaveAsync</c>.</summary>
    public static string Name(IInvocationOperation call) => call.TargetMethod switch
    {
        { ContainingType.Name: "TaskFactory" } method => "Task.Factory." + method.Name,
        { IsStatic: true } method => $"{method.ContainingType?.Name}.{method.Name}",
        var method => method.Name,
    };

    public TaskSymbols Tasks => _tasks;

    /// <summary>
    /// The task-valued (or future-valued: <c>executor.Submit(…)</c>) call an operation is, seen through <c>x?.M()</c> and <c>.ConfigureAwait(…)</c>;
    /// null when it is not a call that starts or stands for work: <c>Task.FromResult</c>,
    /// <c>Task.CompletedTask</c> and their kin are finished already.
    /// </summary>
    public IInvocationOperation? WorkCall(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConditionalAccessOperation access:
                    operation = access.WhenNotNull;
                    continue;
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } when _tasks.IsTaskLike(configured.Type):
                    operation = configured;
                    continue;
                case IInvocationOperation call when _tasks.IsTaskLikeOrFuture(call.Type) && !IsFinished(call.TargetMethod) && !ObservesItself(call):
                    return call;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The runtime executor's <c>Map(…)</c> an operation is (seen through <c>x?.Map(…)</c>): it submits
    /// every item at once and hands back results read lazily, so dropping them drops the work's
    /// exceptions and every wait for it. Null for anything else.
    /// </summary>
    public IInvocationOperation? MapCall(IOperation? operation)
    {
        while (operation is IConditionalAccessOperation access)
        {
            operation = access.WhenNotNull;
        }

        return _executor is not null && operation is IInvocationOperation { TargetMethod.Name: "Map" } call && CallTargets.IsOrDerivesFrom(call.TargetMethod.ContainingType, _executor)
            ? call
            : null;
    }

    /// <summary>
    /// A task-valued call whose task needs no observer: it says it does not wait (a
    /// <c>FireAndForget</c> flag), it is an error observer itself (<c>ContinueWith(…, OnlyOnFaulted)</c>),
    /// or it hands back a task it was given (<c>task.ObserveErrors()</c> returning <c>task</c>: the task
    /// existed before the call, which observed it).
    /// </summary>
    private bool ObservesItself(IInvocationOperation call) =>
        AsyncCounterpartExclusions.IsFireAndForget(call)
        || (call.TargetMethod.Name == "ContinueWith" && call.Arguments.Any(a => IsOnlyOnFaulted(a.Value)))
        || ReturnsAParameter(call.TargetMethod);

    private static bool ReturnsAParameter(IMethodSymbol method)
    {
        var declaration = method.PartialImplementationPart ?? method.ReducedFrom ?? method;
        foreach (var reference in declaration.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not MethodDeclarationSyntax { Body: { } body } syntax)
            {
                return false;
            }

            var parameters = new HashSet<string>(syntax.ParameterList.Parameters.Select(p => p.Identifier.ValueText), StringComparer.Ordinal);
            var returns = body.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
                .OfType<ReturnStatementSyntax>()
                .ToList();
            return returns.Count > 0 && returns.All(r => r.Expression is IdentifierNameSyntax name && parameters.Contains(name.Identifier.ValueText));
        }

        return false;
    }

    private bool IsFinished(IMethodSymbol method) =>
        TaskSymbols.Is(method.ContainingType?.OriginalDefinition, _tasks.Task)
        && method.Name is "FromResult" or "FromException" or "FromCanceled" or "get_CompletedTask";

    /// <summary>
    /// <c>Task.Factory.StartNew(async () =&gt; …)</c>: the outer task of a <c>Task&lt;Task&gt;</c> ends at
    /// the lambda's first <c>await</c>, so waiting for it waits for nothing.
    /// </summary>
    public bool IsStartNewOfAsyncDelegate(IInvocationOperation call) =>
        call.TargetMethod.Name == "StartNew"
        && (TaskSymbols.Is(call.TargetMethod.ContainingType?.OriginalDefinition, _taskFactory) || TaskSymbols.Is(call.TargetMethod.ContainingType?.OriginalDefinition, _taskFactoryOfT))
        && call.Type is INamedTypeSymbol { TypeArguments.Length: 1 } outer
        && _tasks.IsTaskLike(outer.TypeArguments[0]);

    /// <summary>Whether the inner task of a <c>StartNew(async …)</c> is observed: <c>.Unwrap()</c>, or <c>await await</c>.</summary>
    public static bool IsUnwrapped(IInvocationOperation startNew)
    {
        var parent = Parent(startNew);
        if (parent is IArgumentOperation argument)
        {
            parent = argument.Parent; // TaskExtensions.Unwrap(this Task<Task>)
        }

        return parent is IInvocationOperation { TargetMethod.Name: "Unwrap" }
            || (parent is IAwaitOperation first && Parent(first) is IAwaitOperation);
    }

    /// <summary>
    /// Whether a task local is observed somewhere in <paramref name="body"/>: read anywhere except as
    /// the receiver of <c>Start()</c> (awaited, waited for, returned, stored, passed, captured,
    /// continued — each hands its completion to someone).
    /// </summary>
    public static bool IsObserved(ILocalSymbol local, IOperation body)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var parent = Parent(reference);
            var written = parent is ISimpleAssignmentOperation assignment && assignment.Target == reference;
            var started = parent is IInvocationOperation { TargetMethod.Name: "Start" } start && start.Instance == reference;
            if (!written && !started)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a discarded task observes its own failures: the work handed to <c>Task.Run</c>/<c>StartNew</c>
    /// is one <c>try</c> whose <c>catch</c> takes every exception, or the method called (in this
    /// compilation) is; or the task is continued with a fault handler (<c>OnlyOnFaulted</c>).
    /// </summary>
    public static bool HandlesOwnFailures(IInvocationOperation call, CancellationToken cancellationToken)
    {
        foreach (var argument in call.Arguments)
        {
            switch (argument.Value)
            {
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } when CatchesEverything(lambda.Body) || CallsOneMethodThatCatchesEverything(lambda.Body, cancellationToken):
                case IDelegateCreationOperation { Target: IMethodReferenceOperation reference } when CatchesEverything(reference.Method, cancellationToken):
                    return true;
            }
        }

        return CatchesEverything(call.TargetMethod, cancellationToken);
    }

    /// <summary>
    /// Whether a function handed to a worker observes its own failures: a lambda or a method (group)
    /// whose body is one <c>try</c> that catches every exception, or a lambda that only calls such a method.
    /// </summary>
    public static bool CatchesEverything(IOperation function, CancellationToken cancellationToken) => function switch
    {
        IAnonymousFunctionOperation lambda => CatchesEverything(lambda.Body) || CallsOneMethodThatCatchesEverything(lambda.Body, cancellationToken),
        IMethodReferenceOperation reference => CatchesEverything(reference.Method, cancellationToken),
        _ => false,
    };

    // () => Work(x), () => { await WorkAsync(); }: the lambda is the method it calls.
    private static bool CallsOneMethodThatCatchesEverything(IBlockOperation body, CancellationToken cancellationToken)
    {
        var statements = body.Operations.Where(o => !(o is IReturnOperation { ReturnedValue: null, IsImplicit: true })).ToList();
        var value = statements.Count == 1 ? statements[0] switch
        {
            IReturnOperation r => r.ReturnedValue,
            IExpressionStatementOperation e => e.Operation,
            _ => null,
        } : null;
        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation;
        }

        return value is IInvocationOperation call && CatchesEverything(call.TargetMethod, cancellationToken);
    }

    // A method of this compilation whose body is a try that catches everything, after at most a few
    // declarations of locals set to literals (bool taken = false;), which cannot throw.
    private static bool CatchesEverything(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseMethodDeclarationSyntax { Body.Statements: { Count: > 0 } statements }
                && statements[statements.Count - 1] is TryStatementSyntax tryStatement
                && tryStatement.Catches.Any(CatchesEverything)
                && statements.Take(statements.Count - 1).All(IsLiteralDeclaration))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLiteralDeclaration(StatementSyntax statement) =>
        statement is LocalDeclarationStatementSyntax declaration
        && declaration.Declaration.Variables.All(v => v.Initializer is null || v.Initializer.Value is LiteralExpressionSyntax);

    // TaskContinuationOptions.OnlyOnFaulted (NotOnRanToCompletion | NotOnCanceled), alone or with other flags.
    private bool IsOnlyOnFaulted(IOperation value) =>
        TaskSymbols.Is(value.Type, _continuationOptions)
        && value.ConstantValue is { HasValue: true, Value: int flags }
        && (flags & OnlyOnFaulted) == OnlyOnFaulted;

    private const int OnlyOnFaulted = 0x50000;

    private static bool CatchesEverything(IBlockOperation body)
    {
        var statements = body.Operations.Where(o => !(o is IReturnOperation { ReturnedValue: null, IsImplicit: true })).ToList();
        return statements.Count == 1
            && statements[0] is ITryOperation tryOperation
            && tryOperation.Catches.Any(c => c.Filter is null && (c.ExceptionType.SpecialType == SpecialType.System_Object || c.ExceptionType is { Name: "Exception", ContainingNamespace.Name: "System" }));
    }

    private static bool CatchesEverything(CatchClauseSyntax clause) =>
        clause.Filter is null && (clause.Declaration is null || clause.Declaration.Type.ToString() is "Exception" or "System.Exception" or "global::System.Exception");

    // The operation a value flows into, past parentheses and implicit conversions.
    private static IOperation? Parent(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IParenthesizedOperation or IConversionOperation { IsImplicit: true })
        {
            parent = parent.Parent;
        }

        return parent;
    }
}
