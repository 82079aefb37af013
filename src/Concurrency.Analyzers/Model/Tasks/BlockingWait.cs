using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// What a blocking wait is: on a task <c>.Result</c>, <c>.Wait(...)</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Task.WaitAll</c> or <c>Task.WaitAny</c>; on runtime futures <c>Result()</c>, <c>GetException()</c>,
/// <c>Futures.Wait</c> or <c>Futures.AsCompleted</c>.
/// </summary>
internal enum BlockingWaitKind
{
    Result,
    Wait,
    GetResult,
    WaitAll,
    WaitAny,

    /// <summary>A runtime future's <c>Result()</c>.</summary>
    FutureResult,

    /// <summary>A runtime future's <c>GetException()</c>.</summary>
    FutureException,

    /// <summary><c>Futures.Wait(…)</c> (CPython's <c>concurrent.futures.wait</c>).</summary>
    FuturesWait,

    /// <summary><c>Futures.AsCompleted(…)</c>, whose enumeration blocks until each future is done.</summary>
    FuturesAsCompleted,
}

/// <summary>A blocking wait found in code, with the task operands whose completion would make it harmless.</summary>
internal sealed class BlockingWait
{
    private BlockingWait(IOperation operation, BlockingWaitKind kind, BlockingTaskWaitFixKind fix)
    {
        Operation = operation;
        Kind = kind;
        Fix = fix;
    }

    public IOperation Operation { get; }

    public BlockingWaitKind Kind { get; }

    public BlockingTaskWaitFixKind Fix { get; }

    /// <summary>The text of the blocking member for the message.</summary>
    public string MemberText => Kind switch
    {
        BlockingWaitKind.Result => ".Result",
        BlockingWaitKind.Wait => ".Wait()",
        BlockingWaitKind.GetResult => ".GetAwaiter().GetResult()",
        BlockingWaitKind.WaitAll => "Task.WaitAll",
        BlockingWaitKind.WaitAny => "Task.WaitAny",
        BlockingWaitKind.FutureResult => ".Result()",
        BlockingWaitKind.FutureException => ".GetException()",
        BlockingWaitKind.FuturesWait => "Futures.Wait",
        _ => "Futures.AsCompleted",
    };

    /// <summary>The blocking API as a summary names it for CONC407: <c>Task.Result</c>, <c>Task.WaitAll</c>, <c>Future.Result()</c>, <c>Futures.Wait</c>.</summary>
    public string BlockerText => Kind switch
    {
        BlockingWaitKind.FutureResult or BlockingWaitKind.FutureException => "Future" + MemberText,
        BlockingWaitKind.FuturesWait or BlockingWaitKind.FuturesAsCompleted => MemberText,
        _ => "Task" + MemberText.Replace("Task.", "."),
    };

    /// <summary>The non-blocking alternative for the message.</summary>
    public string AlternativeText => Kind switch
    {
        BlockingWaitKind.WaitAll => "'await Task.WhenAll(...)'",
        BlockingWaitKind.WaitAny => "'await Task.WhenAny(...)'",
        BlockingWaitKind.Wait when Fix == BlockingTaskWaitFixKind.None => "'await task.WaitAsync(...)'",
        BlockingWaitKind.Wait when Fix == BlockingTaskWaitFixKind.WaitAsync => "'await task.WaitAsync(cancellationToken)'",
        BlockingWaitKind.FutureResult when Fix == BlockingTaskWaitFixKind.None => "'await future.AsTask().WaitAsync(timeout)'",
        BlockingWaitKind.FutureResult => "'await future'",
        BlockingWaitKind.FutureException => "'await future' in a try/catch",
        BlockingWaitKind.FuturesWait => "'await Task.WhenAll(...)' or 'await Task.WhenAny(...)' on each future's AsTask()",
        BlockingWaitKind.FuturesAsCompleted => "'await Task.WhenAny(...)' on each future's AsTask()",
        _ => "'await'",
    };

    /// <summary>Classifies <paramref name="operation"/>, or returns null when it is not a blocking wait on a task.</summary>
    public static BlockingWait? Classify(IOperation operation, TaskSymbols symbols)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property.Name: "Result", Instance: not null } property
                when IsGenericTask(property.Property.ContainingType, symbols):
                return new BlockingWait(operation, BlockingWaitKind.Result, BlockingTaskWaitFixKind.Await);

            case IInvocationOperation invocation:
                return ClassifyInvocation(invocation, symbols);

            default:
                return null;
        }
    }

    /// <summary>
    /// The task expressions the wait blocks on (receiver, or the tasks passed to WaitAll/WaitAny),
    /// looked through <c>GetAwaiter()</c> and <c>ConfigureAwait(...)</c>. Empty when they are not known.
    /// </summary>
    public static ImmutableArray<IOperation> TaskOperands(IOperation operation, BlockingWaitKind kind, TaskSymbols symbols)
    {
        switch (kind)
        {
            case BlockingWaitKind.Result when operation is IPropertyReferenceOperation { Instance: { } instance }:
                return ImmutableArray.Create(TaskOperations.UnwrapConfigureAwait(instance, symbols));
            case BlockingWaitKind.Wait when operation is IInvocationOperation { Instance: { } instance }:
                return ImmutableArray.Create(TaskOperations.UnwrapConfigureAwait(instance, symbols));
            case BlockingWaitKind.GetResult when operation is IInvocationOperation { Instance: { } awaiter }:
                return OperationHelpers.WalkDownConversion(awaiter) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable }
                    ? ImmutableArray.Create(TaskOperations.UnwrapConfigureAwait(awaitable, symbols))
                    : ImmutableArray<IOperation>.Empty;
            case BlockingWaitKind.WaitAll or BlockingWaitKind.WaitAny when operation is IInvocationOperation invocation:
                return TaskOperations.TaskArguments(invocation, symbols);
            case BlockingWaitKind.FutureResult or BlockingWaitKind.FutureException when operation is IInvocationOperation { Instance: { } future }:
                return ImmutableArray.Create(OperationHelpers.WalkDownConversion(future));
            default:
                return ImmutableArray<IOperation>.Empty;
        }
    }

    private static BlockingWait? ClassifyInvocation(IInvocationOperation invocation, TaskSymbols symbols)
    {
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "Wait" when !method.IsStatic && symbols.IsTask(method.ContainingType):
                return new BlockingWait(invocation, BlockingWaitKind.Wait, WaitFix(invocation, symbols));

            case "GetResult" when !method.IsStatic && symbols.IsAwaiter(method.ContainingType):
                var fromGetAwaiter = invocation.Instance is not null
                    && OperationHelpers.WalkDownConversion(invocation.Instance) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: not null };
                return new BlockingWait(invocation, BlockingWaitKind.GetResult, fromGetAwaiter ? BlockingTaskWaitFixKind.Await : BlockingTaskWaitFixKind.None);

            case "WaitAll" when method.IsStatic && TaskSymbols.Is(method.ContainingType, symbols.Task):
                return new BlockingWait(
                    invocation,
                    BlockingWaitKind.WaitAll,
                    HasTimeoutOrToken(invocation, symbols) ? BlockingTaskWaitFixKind.None : BlockingTaskWaitFixKind.WhenAll);

            case "Result" or "GetException" when !method.IsStatic && symbols.IsFuture(method.ContainingType):
                var withTimeout = invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue);
                return method.Name == "Result"
                    ? new BlockingWait(invocation, BlockingWaitKind.FutureResult, withTimeout ? BlockingTaskWaitFixKind.None : BlockingTaskWaitFixKind.AwaitFuture)
                    : new BlockingWait(invocation, BlockingWaitKind.FutureException, BlockingTaskWaitFixKind.None);

            case "Wait" or "AsCompleted" when method.IsStatic && TaskSymbols.Is(method.ContainingType, symbols.Futures):
                return new BlockingWait(invocation, method.Name == "Wait" ? BlockingWaitKind.FuturesWait : BlockingWaitKind.FuturesAsCompleted, BlockingTaskWaitFixKind.None);

            case "WaitAny" when method.IsStatic && TaskSymbols.Is(method.ContainingType, symbols.Task):
                var indexUnused = invocation.Parent is IExpressionStatementOperation;
                return new BlockingWait(
                    invocation,
                    BlockingWaitKind.WaitAny,
                    indexUnused && !HasTimeoutOrToken(invocation, symbols) ? BlockingTaskWaitFixKind.WhenAny : BlockingTaskWaitFixKind.None);

            default:
                return null;
        }
    }

    private static BlockingTaskWaitFixKind WaitFix(IInvocationOperation invocation, TaskSymbols symbols)
    {
        var explicitArguments = invocation.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue).ToList();
        if (explicitArguments.Count == 0)
        {
            return BlockingTaskWaitFixKind.Await;
        }

        return explicitArguments.Count == 1
            && symbols.HasWaitAsyncWithToken
            && TaskSymbols.Is(explicitArguments[0].Parameter?.Type, symbols.CancellationToken)
                ? BlockingTaskWaitFixKind.WaitAsync
                : BlockingTaskWaitFixKind.None;
    }

    private static bool HasTimeoutOrToken(IInvocationOperation invocation, TaskSymbols symbols) =>
        invocation.Arguments.Any(a =>
            a.ArgumentKind != ArgumentKind.DefaultValue
            && a.Parameter?.Type is { } type
            && (type.SpecialType == SpecialType.System_Int32
                || TaskSymbols.Is(type, symbols.CancellationToken)
                || TaskSymbols.Is(type, symbols.TimeSpan)));

    private static bool IsGenericTask(INamedTypeSymbol type, TaskSymbols symbols) =>
        TaskSymbols.Is(type.OriginalDefinition, symbols.TaskOfT) || TaskSymbols.Is(type.OriginalDefinition, symbols.ValueTaskOfT);
}
