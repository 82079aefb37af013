using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// The task-related types of one compilation, resolved once in a compilation-start action and
/// compared by symbol (never by name) in the per-operation callbacks.
/// </summary>
internal sealed class TaskSymbols
{
    private TaskSymbols(Compilation compilation, INamedTypeSymbol task)
    {
        Task = task;
        TaskOfT = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskOfT);
        ValueTask = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ValueTask);
        ValueTaskOfT = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ValueTaskOfT);
        TaskStatus = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TaskStatus);
        CancellationToken = compilation.GetTypeByMetadataName(KnownTypes.Bcl.CancellationToken);
        TimeSpan = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimeSpan);
        Future = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Future);
        Futures = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Futures);
        Awaiters = new[]
        {
            KnownTypes.Bcl.TaskAwaiter,
            KnownTypes.Bcl.TaskAwaiterOfT,
            KnownTypes.Bcl.ValueTaskAwaiterOfT,
            KnownTypes.Bcl.ConfiguredTaskAwaiter,
            KnownTypes.Bcl.ConfiguredTaskAwaiterOfT,
            KnownTypes.Bcl.ConfiguredValueTaskAwaiter,
            KnownTypes.Bcl.ConfiguredValueTaskAwaiterOfT,
            KnownTypes.Bcl.ValueTaskAwaiter,
        }
        .Select(compilation.GetTypeByMetadataName)
        .OfType<INamedTypeSymbol>()
        .ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        HasWaitAsyncWithToken = task.GetMembers("WaitAsync").OfType<IMethodSymbol>()
            .Any(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, CancellationToken));
    }

    public INamedTypeSymbol Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? TaskStatus { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    /// <summary>The runtime's <c>Future</c> (the base of <c>Future&lt;T&gt;</c>); null without the runtime.</summary>
    public INamedTypeSymbol? Future { get; }

    /// <summary>The runtime's <c>Futures</c> (<c>Wait</c>, <c>AsCompleted</c>); null without the runtime.</summary>
    public INamedTypeSymbol? Futures { get; }

    /// <summary>The awaiter types whose <c>GetResult()</c> blocks when the task is not complete.</summary>
    public ImmutableHashSet<INamedTypeSymbol> Awaiters { get; }

    /// <summary>Whether <c>Task.WaitAsync(CancellationToken)</c> exists (.NET 6 and later).</summary>
    public bool HasWaitAsyncWithToken { get; }

    /// <summary>Returns the symbols, or null when the compilation has no <c>System.Threading.Tasks.Task</c>.</summary>
    public static TaskSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownTypes.Bcl.Task) is { } task ? new TaskSymbols(compilation, task) : null;

    /// <summary>Whether <paramref name="type"/> is Task, Task&lt;T&gt; (or a type derived from them), ValueTask or ValueTask&lt;T&gt;.</summary>
    public bool IsTaskLike(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            var definition = current.OriginalDefinition;
            if (Is(definition, Task) || Is(definition, TaskOfT) || Is(definition, ValueTask) || Is(definition, ValueTaskOfT))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is Task or a type derived from it (Task&lt;T&gt; included).</summary>
    public bool IsTask(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (Is(current.OriginalDefinition, Task))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is the runtime's <c>Future</c>, <c>Future&lt;T&gt;</c> or a type derived from them.</summary>
    public bool IsFuture(ITypeSymbol? type)
    {
        if (Future is null)
        {
            return false; // no runtime referenced
        }

        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (Is(current.OriginalDefinition, Future))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> stands for work whose end someone should observe: task-like, or a future.</summary>
    public bool IsTaskLikeOrFuture(ITypeSymbol? type) => IsTaskLike(type) || IsFuture(type);

    /// <summary>Whether <paramref name="type"/> is one of the task awaiters.</summary>
    public bool IsAwaiter(ITypeSymbol? type) => type is INamedTypeSymbol named && Awaiters.Contains(named.OriginalDefinition);

    public static bool Is(ISymbol? symbol, ISymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(symbol, expected);
}
