using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>
/// The shutdowns of the runtime's executors (course chapter 4: <c>shutdown(wait=True)</c>, the
/// <c>with</c> statement): which types must be shut down — every subclass of the runtime
/// <c>Executor</c> (<c>ThreadPoolExecutor</c>, <c>ProcessPoolExecutor</c>, one of our own) — and what a use
/// of one held in a local does to that duty (<see cref="WorkerUse"/>, where <see cref="WorkerUse.Joins"/>
/// means shuts it down): <c>Shutdown(…)</c> and <c>Dispose()</c> (the <see cref="WorkerApi.Role.Shutdown"/>
/// rows of <see cref="WorkerApi"/>, and any <c>Dispose</c> of it, as a <c>using</c> makes), a <c>using</c>
/// of the local; handed on: returned, stored anywhere, passed to a method, put in a collection. Unlike a
/// thread's (<see cref="WorkerJoins"/>), a pool handed to any other code is that code's to shut down.
/// One per compilation.
/// </summary>
internal sealed class ExecutorShutdowns
{
    private readonly WorkerSymbols _symbols;
    private readonly INamedTypeSymbol? _executor;

    public ExecutorShutdowns(Compilation compilation)
    {
        _symbols = new WorkerSymbols(compilation);
        _executor = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Executor);
    }

    /// <summary>Whether the compilation references the runtime's executors at all.</summary>
    public bool IsAvailable => _executor is not null;

    /// <summary>Whether <paramref name="creation"/> makes an executor (by its constructor's role in <see cref="WorkerApi"/>).</summary>
    public bool Creates(IObjectCreationOperation creation) => _symbols.RoleOf(creation) == WorkerApi.Role.Create && MustBeShutDown(creation.Type);

    /// <summary>Whether <paramref name="type"/> is the runtime <c>Executor</c> or derives from it.</summary>
    public bool MustBeShutDown(ITypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current.OriginalDefinition, _executor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="call"/> shuts its receiver down: <c>Shutdown(…)</c>, <c>Dispose()</c>.</summary>
    public bool IsShutdown(IInvocationOperation call) =>
        _symbols.RoleOf(call) == WorkerApi.Role.Shutdown
        || call.TargetMethod.Name == nameof(IDisposable.Dispose) && call.Arguments.IsEmpty;

    /// <summary>
    /// What <paramref name="reference"/>, a read of the local that holds an executor (in an operation
    /// tree or a control-flow graph), does with it.
    /// </summary>
    public WorkerUse UseOf(IOperation reference)
    {
        if (WorkerJoins.CommonUseOf(reference, IsShutdown, out _, out var parent) is { } common)
        {
            return common;
        }

        return parent switch
        {
            IUsingOperation => WorkerUse.Joins,
            IArgumentOperation { Parent: IInvocationOperation invocation } when WorkerJoins.IsHarmless(invocation.TargetMethod) => WorkerUse.Reads,
            _ => WorkerUse.HandsOn,
        };
    }
}
