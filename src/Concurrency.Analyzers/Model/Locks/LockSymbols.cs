using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// Acquisitions and releases of the locks CONC404 follows: <c>Monitor.Enter/TryEnter</c> and
/// <c>Exit</c>; <c>SemaphoreSlim.Wait</c> and <c>Release</c>; <c>ReaderWriterLockSlim</c>
/// <c>Enter*Lock</c>/<c>TryEnter*Lock</c> and <c>Exit*Lock</c>; <c>SpinLock.Enter/TryEnter</c> and
/// <c>Exit</c>; <c>Mutex.WaitOne</c> and <c>ReleaseMutex</c>; <c>Acquire</c> and <c>Release</c> of every
/// runtime primitive (<see cref="IsAcquirable"/>), and their <c>Hold()</c> scopes, released when disposed
/// (the names are <see cref="LockApi"/>'s).
/// A lock is identified by the field, local, parameter or property it is taken on.
/// </summary>
internal sealed class LockSymbols
{
    private readonly INamedTypeSymbol? _monitor;
    private readonly INamedTypeSymbol? _semaphoreSlim;
    private readonly INamedTypeSymbol? _readerWriterLockSlim;
    private readonly INamedTypeSymbol? _spinLock;
    private readonly INamedTypeSymbol? _mutex;
    private readonly INamedTypeSymbol? _runtimeLock;
    private readonly INamedTypeSymbol? _heldScope;
    private readonly INamedTypeSymbol? _acquirable;
    private readonly INamedTypeSymbol? _runtimeSemaphore;
    private readonly INamedTypeSymbol? _processSemaphore;
    private readonly INamedTypeSymbol? _processLock;
    private readonly INamedTypeSymbol? _timeSpan;
    private readonly INamedTypeSymbol? _cancellationToken;

    private static readonly ConditionalWeakTable<Compilation, LockSymbols> PerCompilation = new();

    private LockSymbols(Compilation compilation)
    {
        _monitor = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
        _semaphoreSlim = compilation.GetTypeByMetadataName(KnownTypes.Bcl.SemaphoreSlim);
        _readerWriterLockSlim = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ReaderWriterLockSlim);
        _spinLock = compilation.GetTypeByMetadataName(KnownTypes.Bcl.SpinLock);
        _mutex = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Mutex);
        _runtimeLock = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Lock);
        _heldScope = compilation.GetTypeByMetadataName(KnownTypes.Runtime.HeldScope);
        _acquirable = compilation.GetTypeByMetadataName(KnownTypes.Runtime.IAcquirable);
        _runtimeSemaphore = compilation.GetTypeByMetadataName(KnownTypes.Runtime.Semaphore);
        _processSemaphore = compilation.GetTypeByMetadataName(KnownTypes.Runtime.ProcessSemaphore);
        _processLock = compilation.GetTypeByMetadataName(KnownTypes.Runtime.ProcessLock);
        _timeSpan = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimeSpan);
        _cancellationToken = compilation.GetTypeByMetadataName(KnownTypes.Bcl.CancellationToken);
    }

    /// <summary>The lock types of a compilation, resolved once and shared by every lock rule.</summary>
    public static LockSymbols For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new LockSymbols(c));

    public INamedTypeSymbol? SemaphoreSlim => _semaphoreSlim;

    public INamedTypeSymbol? Monitor => _monitor;

    public INamedTypeSymbol? RuntimeLock => _runtimeLock;


    public INamedTypeSymbol? ReaderWriterLockSlim => _readerWriterLockSlim;

    public INamedTypeSymbol? HeldScope => _heldScope;

    /// <summary>
    /// The key of the lock <paramref name="invocation"/> acquires (including <c>SemaphoreSlim.WaitAsync</c>,
    /// which CONC404 leaves alone but which needs a release like any other), or null.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public string? AcquiresIncludingAsync(IInvocationOperation invocation) =>
        IsSemaphoreWaitAsync(invocation) ? KeyOf(invocation.Instance!) : Acquires(invocation);

    private bool IsSemaphoreWaitAsync(IInvocationOperation invocation) =>
        TaskSymbols.Is(invocation.TargetMethod.ContainingType, _semaphoreSlim) && invocation.TargetMethod.Name == "WaitAsync"
            && invocation.Arguments.All(a => a.ArgumentKind == ArgumentKind.DefaultValue || TaskSymbols.Is(a.Parameter?.Type, _cancellationToken))
            && invocation.Instance is not null;

    /// <summary>
    /// The lock expression an acquisition takes, whatever its form: the receiver of
    /// <c>Wait/Enter*Lock/WaitOne/Acquire</c>, the argument of <c>Monitor.Enter</c>, the primitive of
    /// <c>x.Hold()</c>. Null when <paramref name="invocation"/> acquires nothing.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public IOperation? LockExpression(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "Hold" && TaskSymbols.Is(method.ReturnType, _heldScope))
        {
            return invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
        }

        return IsSemaphoreWaitAsync(invocation) ? invocation.Instance : AcquiredLock(invocation);
    }

    /// <summary>The key of the lock <paramref name="invocation"/> acquires, or null when it acquires none.</summary>
    [MethodImpl(HotPath.Optimized)]
    public string? Acquires(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!TaskSymbols.Is(method.ContainingType, _monitor)
            && (TaskSymbols.Is(method.ContainingType, _heldScope) || (method.Name == "Hold" && TaskSymbols.Is(method.ReturnType, _heldScope))))
        {
            return method.Name == "Hold" ? HeldScopeKey : null;
        }

        return AcquiredLock(invocation) is { } locked ? KeyOf(locked) : null;
    }

    /// <summary>The lock a blocking acquisition takes (the argument of <c>Monitor.Enter</c>, else the receiver), or null.</summary>
    [MethodImpl(HotPath.Optimized)]
    private IOperation? AcquiredLock(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (TaskSymbols.Is(type, _monitor))
        {
            return method.Name is "Enter" or "TryEnter" && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
        }

        var name = method.Name;
        // SemaphoreSlim has no thread affinity: holding it across an await is the async-lock pattern,
        // a problem only when taking it blocked (Wait(0) only tries).
        var acquires = (TaskSymbols.Is(type, _semaphoreSlim) && name == "Wait" && !OperationHelpers.PassesZeroTimeout(invocation, _timeSpan))
            || (TaskSymbols.Is(type, _readerWriterLockSlim) && name is "EnterReadLock" or "EnterWriteLock" or "EnterUpgradeableReadLock" or "TryEnterReadLock" or "TryEnterWriteLock" or "TryEnterUpgradeableReadLock")
            || (TaskSymbols.Is(type, _spinLock) && name is "Enter" or "TryEnter")
            || (name == "WaitOne" && InheritsFrom(invocation.Instance?.Type, _mutex))
            || (name == "Acquire" && IsAcquirable(type));
        return acquires ? invocation.Instance : null;
    }

    /// <summary>
    /// Whether an acquisition gives up instead of waiting forever: a <c>TryEnter</c> (<c>Monitor</c>,
    /// <c>SpinLock</c>, <c>ReaderWriterLockSlim</c>), a finite timeout (<c>Wait(ms)</c>,
    /// <c>Wait(timeout, ct)</c>, <c>WaitOne(timeout)</c>, <c>Acquire(timeout: …)</c>), or
    /// <c>Acquire(blocking: false)</c>. A timeout of <c>Timeout.Infinite</c>, <c>Timeout.InfiniteTimeSpan</c>
    /// or null waits forever. A thread that gives up backs off instead of waiting in a cycle: at
    /// worst a livelock, never a deadlock.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static bool CannotWaitForever(IInvocationOperation invocation)
    {
        var tries = invocation.TargetMethod.Name.StartsWith("TryEnter", StringComparison.Ordinal);
        var forever = false;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            switch (argument.Parameter?.Name)
            {
                case "timeout" or "millisecondsTimeout":
                    forever |= IsInfinite(argument.Value);
                    tries = true;
                    break;
                case "blocking" when argument.Value.ConstantValue is { HasValue: true, Value: false }:
                    return true;
            }
        }

        return tries && !forever;
    }

    // Timeout.Infinite (-1), Timeout.InfiniteTimeSpan, a null TimeSpan?.
    private static bool IsInfinite(IOperation timeout) =>
        OperationHelpers.WalkDownConversion(timeout) is var value
        && (value.ConstantValue is { HasValue: true, Value: null or -1 }
            || value is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } });

    /// <summary>Whether <paramref name="invocation"/> releases the lock <paramref name="key"/>.</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool Releases(IInvocationOperation invocation, string key)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (key == HeldScopeKey)
        {
            return method.Name == "Dispose"
                && (TaskSymbols.Is(type, _heldScope) || TaskSymbols.Is(invocation.Instance is { } scope ? Unwrap(scope).Type : null, _heldScope));
        }

        if (TaskSymbols.Is(type, _monitor))
        {
            return method.Name == "Exit" && invocation.Arguments.Length > 0 && KeyOf(invocation.Arguments[0].Value) == key;
        }

        var name = method.Name;
        var releases = (TaskSymbols.Is(type, _semaphoreSlim) && name == "Release")
            || (TaskSymbols.Is(type, _readerWriterLockSlim) && name is "ExitReadLock" or "ExitWriteLock" or "ExitUpgradeableReadLock")
            || (TaskSymbols.Is(type, _spinLock) && name == "Exit")
            || (InheritsFrom(type, _mutex) && name == "ReleaseMutex")
            || (name == "Release" && IsAcquirable(type));
        return releases && invocation.Instance is { } instance && KeyOf(instance) == key;
    }

    /// <summary>
    /// A runtime primitive a thread acquires and releases (<c>IAcquirable</c>: the threading and
    /// inter-process locks and semaphores, <c>Condition</c>), or the interface itself.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public bool IsAcquirable(ITypeSymbol? type)
    {
        if (_acquirable is null || type is null)
        {
            return false;
        }

        if (TaskSymbols.Is(type, _acquirable))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (TaskSymbols.Is(implemented, _acquirable))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A runtime lock that is never reentrant: the threading <c>Lock</c>, the inter-process <c>Lock</c>.</summary>
    public bool IsNonReentrantRuntimeLock(ITypeSymbol? type) => TaskSymbols.Is(type, _runtimeLock) || TaskSymbols.Is(type, _processLock);

    /// <summary>
    /// A runtime semaphore (threading or inter-process, bounded or not): not reentrant when created
    /// with one slot, its default.
    /// </summary>
    public bool IsRuntimeSemaphore(ITypeSymbol? type) => InheritsFrom(type, _runtimeSemaphore) || InheritsFrom(type, _processSemaphore);

    private const string HeldScopeKey = "<held scope>";

    /// <summary>
    /// The identity of a lock expression: the symbol it names (one key for all constructions of a
    /// generic type's field), else its text.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static string KeyOf(IOperation operation)
    {
        operation = Unwrap(operation);
        ISymbol? symbol = operation switch
        {
            IFieldReferenceOperation field => field.Field,
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        return symbol is not null ? SymbolKey(symbol.OriginalDefinition) : operation.Syntax.ToString();
    }

    /// <summary>The key of a lock held in <paramref name="symbol"/> (a field, property, local or parameter): what <see cref="KeyOf"/> gives a read of it.</summary>
    public static string KeyOfSymbol(ISymbol symbol) => SymbolKey(symbol.OriginalDefinition);

    // A symbol of source by where it is declared; one of metadata by its type and name. (Its display
    // string would do too, at many times the cost, for every acquisition and release of a build.)
    private static string SymbolKey(ISymbol symbol) =>
        symbol.Locations.Length > 0 && symbol.Locations[0] is { IsInSource: true, SourceTree: { } tree } location
            ? string.Concat(symbol.Name, "@", tree.FilePath, ":" + location.SourceSpan.Start.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : string.Concat(symbol.ContainingType?.ToDisplayString(), ".", symbol.Name);

    [MethodImpl(HotPath.Optimized)]
    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    [MethodImpl(HotPath.Optimized)]
    private static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null && baseType is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
