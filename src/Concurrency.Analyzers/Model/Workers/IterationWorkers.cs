using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>The worker a wait waits for: the expression, its type, and the local it is read from, if any.</summary>
internal sealed class WaitedWorker
{
    public WaitedWorker(IOperation expression)
    {
        Expression = expression;
        Type = expression.Type;
        Local = (expression as ILocalReferenceOperation)?.Local;
    }

    public IOperation Expression { get; }

    public ITypeSymbol? Type { get; }

    public ILocalSymbol? Local { get; }
}

/// <summary>
/// <see cref="WorkerApi"/> of one compilation as the serial-loop rules read it (CONC202, CONC205):
/// the worker a join or a result waits for, and whether it was started or submitted earlier in the
/// same iteration of a loop — by the wait's own receiver (<c>Task.Run(…).Wait()</c>,
/// <c>executor.Submit(…).Result()</c>) or through a local of the body.
/// </summary>
internal sealed class IterationWorkers
{
    private readonly WorkerSymbols _symbols;
    private readonly TaskSymbols? _tasks;

    public IterationWorkers(Compilation compilation)
    {
        _symbols = new WorkerSymbols(compilation);
        _tasks = TaskSymbols.Create(compilation);
    }

    /// <summary>The roles of the compilation's worker members.</summary>
    public WorkerSymbols Symbols => _symbols;

    /// <summary>Whether <paramref name="type"/> is a BCL <c>Task</c> or derives from it.</summary>
    public bool IsTask(ITypeSymbol? type) => _tasks?.IsTask(type) == true;

    /// <summary>Whether <paramref name="type"/> is a runtime <c>Future</c> (<c>Future&lt;T&gt;</c> included).</summary>
    public bool IsFuture(ITypeSymbol? type) => _tasks?.IsFuture(type) == true;

    /// <summary>The worker <paramref name="join"/> (a call or a property read) waits for, if it is an instance join or result of a worker.</summary>
    public WaitedWorker? WorkerOf(IOperation join)
    {
        if (_symbols.RoleOf(join) is not (WorkerApi.Role.Join or WorkerApi.Role.Result))
        {
            return null;
        }

        var instance = join switch
        {
            IInvocationOperation { TargetMethod.IsStatic: false } call when !IsTask(call.TargetMethod.ReturnType) => call.Instance,
            IPropertyReferenceOperation { Property.IsStatic: false } property => property.Instance,
            _ => null,
        };

        // GetResult is the awaiter's: the worker is the receiver of GetAwaiter().
        if (instance is not null && !IsTask(instance.Type) && Peel(instance) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited })
        {
            instance = awaited;
        }

        return instance is null ? null : new WaitedWorker(Peel(instance));
    }

    /// <summary>
    /// Whether <paramref name="worker"/> was started earlier in the same iteration of <paramref name="loop"/>
    /// than <paramref name="wait"/>: <paramref name="handsOutRunning"/> holds for its expression, or for the
    /// value a body local was given, or the local's <c>Start()</c> was called.
    /// </summary>
    public bool IsStartedIn(ILoopOperation loop, WaitedWorker worker, IOperation wait, Func<IOperation, bool> handsOutRunning)
    {
        if (handsOutRunning(worker.Expression))
        {
            return true; // Task.Run(…).Wait(), Process.Start(…).WaitForExit(), executor.Submit(…).Result()
        }

        if (worker.Local is not { } local)
        {
            return false;
        }

        foreach (var operation in loop.Body.Descendants())
        {
            if (operation.Syntax.SpanStart >= wait.Syntax.SpanStart || LoopIterations.InnermostLoop(operation) != loop)
            {
                continue;
            }

            var started = operation switch
            {
                IInvocationOperation { TargetMethod.IsStatic: false, Instance: { } instance } call => _symbols.RoleOf(call) == WorkerApi.Role.Start && IsLocal(instance, local),
                ISimpleAssignmentOperation assignment => IsLocal(assignment.Target, local) && handsOutRunning(Peel(assignment.Value)),
                IVariableDeclaratorOperation declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    && declarator.Initializer is { Value: var value } && handsOutRunning(Peel(value)),
                _ => false,
            };
            if (started)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A call that hands out a running worker (CONC202's): <c>Task.Run</c>, <c>StartNew</c>, the static <c>Process.Start</c>.</summary>
    public bool StartsAndReturns(IOperation operation) =>
        operation is IInvocationOperation call
        && _symbols.RoleOf(call) is { } role
        && (role == WorkerApi.Role.Submit && call.Type is not null && IsTask(call.Type) || role == WorkerApi.Role.Start && call.TargetMethod.IsStatic);

    /// <summary>A call that hands work to a pool and returns what to wait for (CONC205's): <c>Task.Run</c>, <c>StartNew</c>, <c>Executor.Submit</c>.</summary>
    public bool Submits(IOperation operation) =>
        operation is IInvocationOperation call
        && _symbols.RoleOf(call) == WorkerApi.Role.Submit
        && call.Type is { } type && (IsTask(type) || IsFuture(type));

    /// <summary><paramref name="operation"/> without the implicit conversions around it.</summary>
    public static IOperation Peel(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
        Peel(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
}
