using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Concurrency.Runtime.Multiprocessing;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// What the manager puts on the call queue for a worker, CPython's <c>_CallItem</c>: the work's id,
/// its target named so the child can find it (as <see cref="Process"/> names a target), and its
/// arguments as JSON; or, for a <see cref="ProcessPoolExecutor.Map{TArg, TResult}"/> chunk, one
/// argument per call. A null call item is the sentinel that stops a worker.
/// </summary>
internal sealed class CallItem
{
    public long Id { get; set; }

    public string Asm { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Method { get; set; } = string.Empty;

    public string[] Params { get; set; } = Array.Empty<string>();

    /// <summary>The arguments of one call (empty for a chunk).</summary>
    public WireValue[] Args { get; set; } = Array.Empty<WireValue>();

    /// <summary>A map chunk: the single argument of each call, in order; null for one call.</summary>
    public WireValue[]? Chunk { get; set; }

    /// <summary>
    /// Names <paramref name="fn"/> and serializes <paramref name="args"/> (or, for a chunk, each of
    /// <paramref name="chunk"/>), checking both exactly as <see cref="Process"/> checks a target.
    /// </summary>
    /// <exception cref="ArgumentException">The work or an argument cannot be sent to a child (names <c>fn</c> or <c>arg</c>).</exception>
    internal static CallItem Describe(Delegate fn, object?[] args, TargetRole role, IReadOnlyList<object?>? chunk = null)
    {
        var spec = TargetSpec.Describe(fn, chunk is null ? args : new object?[] { null }, role);
        var item = new CallItem
        {
            Asm = spec.AssemblyPath,
            Type = spec.TypeName,
            Method = spec.Method.Name,
            Params = spec.ParameterTypeNames,
        };
        if (chunk is null)
        {
            item.Args = args.Select((arg, i) => WireValue.Argument(spec, i, arg, role)).ToArray();
        }
        else
        {
            item.Chunk = chunk.Select(arg => WireValue.Argument(spec, 0, arg, role)).ToArray();
        }

        return item;
    }
}

/// <summary>
/// A value on the wire: its JSON and, when it is not of the declared type (an argument for an
/// object or interface parameter, a result of a subtype), the type it travels as and that type's
/// assembly file.
/// </summary>
internal sealed class WireValue
{
    public string? T { get; set; }

    public string? A { get; set; }

    public string J { get; set; } = "null";

    internal static WireValue Argument(TargetSpec spec, int index, object? arg, TargetRole role)
    {
        var (travelType, json) = spec.SerializeArgument(index, arg, role);
        return Of(travelType, spec.Method.GetParameters()[index].ParameterType, json);
    }

    /// <summary>In the child: the value of a result (of the declared <paramref name="declared"/> type); throws what serialization throws.</summary>
    internal static WireValue Result(object? value, Type declared)
    {
        var travelType = value is null || declared.IsSealed || declared.IsValueType ? declared : value.GetType();
        return Of(travelType, declared, JsonSerializer.Serialize(value, travelType, Wire.Options));
    }

    internal object? Read(Type declared)
    {
        var type = T is null ? declared : Wire.ResolveType(T, A ?? string.Empty);
        return JsonSerializer.Deserialize(J, type, Wire.Options);
    }

    private static WireValue Of(Type travelType, Type declared, string json) =>
        travelType == declared ? new WireValue { J = json } : new WireValue { T = travelType.AssemblyQualifiedName, A = travelType.Assembly.Location, J = json };
}

/// <summary>What a worker (or the parent itself) puts on the result queue.</summary>
internal enum ResultKind
{
    /// <summary>The outcome of a call item: a value or an error, CPython's <c>_ResultItem</c>.</summary>
    Result,

    /// <summary>A worker took the stop sentinel and is exiting (CPython puts its pid).</summary>
    Stopped,

    /// <summary>A worker's initializer threw; the worker exits.</summary>
    InitializerFailed,

    /// <summary>Posted by the parent: a worker's OS process has ended.</summary>
    Exited,

    /// <summary>Posted by the parent: new work, or shutdown (CPython's <c>_ThreadWakeup</c>).</summary>
    Wakeup,
}

/// <summary>An item of the result queue.</summary>
internal sealed class ResultItem
{
    public ResultKind Kind { get; set; }

    public long Id { get; set; }

    public int Pid { get; set; }

    /// <summary>The result of one call; null for a void call or an error.</summary>
    public WireValue? Value { get; set; }

    /// <summary>The results of a chunk, in order.</summary>
    public WireValue[]? Values { get; set; }

    public RemoteError? Error { get; set; }

    /// <summary>The worker exits after this result (its <c>maxTasksPerChild</c> is reached), CPython's <c>exit_pid</c>.</summary>
    public bool Exiting { get; set; }
}

/// <summary>An exception as it crosses the process boundary: type, message, stack trace.</summary>
internal sealed class RemoteError
{
    public string Type { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    public string Stack { get; set; } = string.Empty;

    internal static RemoteError Of(Exception e) => new()
    {
        Type = e.GetType().AssemblyQualifiedName ?? e.GetType().FullName ?? e.GetType().Name,
        Message = e.Message,
        Stack = e.StackTrace ?? string.Empty,
    };

    /// <summary>The full name of the type, without its assembly.</summary>
    internal string TypeFullName => Type.Split(',')[0];

    /// <summary>
    /// The exception a future of a process pool fails with: the child's exception type recreated
    /// (when this process can load it and it has the usual <c>(string message, Exception inner)</c>
    /// constructor) with the child's message, the child's stack trace as its own (shown before the
    /// parent's frames when rethrown), and a <see cref="ChildProcessException"/> with the type name,
    /// message, stack and pid as its inner exception (CPython chains a <c>_RemoteTraceback</c> the
    /// same way); otherwise that <see cref="ChildProcessException"/> itself.
    /// </summary>
    internal Exception Rebuild(string workerName, int pid)
    {
        var remote = new ChildProcessException(workerName, pid, TypeFullName, Message, Stack);
        var rebuilt = Recreate(remote) ?? remote;
        if (Stack.Length > 0)
        {
            try
            {
                ExceptionDispatchInfo.SetRemoteStackTrace(rebuilt, Stack + Environment.NewLine + $"   --- in {workerName} (pid {pid}) ---");
            }
            catch (InvalidOperationException)
            {
                // the exception already has a stack trace: keep it
            }
        }

        return rebuilt;
    }

    private Exception? Recreate(ChildProcessException remote)
    {
        try
        {
            var type = System.Type.GetType(Type, throwOnError: false);
            if (type is null || !typeof(Exception).IsAssignableFrom(type) || type.IsAbstract || type == typeof(ChildProcessException))
            {
                return null;
            }

            var constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public, new[] { typeof(string), typeof(Exception) });
            return constructor?.Invoke(new object[] { Message, remote }) as Exception;
        }
        catch (Exception e) when (e is TargetInvocationException or TypeLoadException or System.IO.FileLoadException or BadImageFormatException or MemberAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// Completes a future from a result item. The generic future's result type is known only at run
/// time here (<see cref="Executor"/> hands over a <see cref="Future"/>), so one completer per type
/// is made once by reflection and cached.
/// </summary>
internal abstract class Completer
{
    private static readonly ConcurrentDictionary<Type, Completer> s_typed = new();

    internal static readonly Completer Void = new VoidCompleter();

    /// <summary>The declared type of the result, null for a future without one.</summary>
    internal abstract Type? ResultType { get; }

    /// <summary>The completer of <paramref name="future"/>'s type: <see cref="Future{T}"/> or <see cref="Future"/>.</summary>
    internal static Completer For(Future future)
    {
        for (var type = future.GetType(); type is not null && type != typeof(Future); type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Future<>))
            {
                return s_typed.GetOrAdd(type.GetGenericArguments()[0], static t => (Completer)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(t))!);
            }
        }

        return Void;
    }

    /// <summary>
    /// Checks, before anything is sent, that a result of <paramref name="declared"/> can come back:
    /// code, reflection objects, streams, tasks and handles cannot travel.
    /// </summary>
    /// <exception cref="ArgumentException">It cannot (names <paramref name="paramName"/>).</exception>
    internal static void CheckResultType(Type? declared, string paramName)
    {
        if (declared is null || declared == typeof(void))
        {
            return;
        }

        var why = typeof(Delegate).IsAssignableFrom(declared) ? "a delegate is code, not data"
            : typeof(MemberInfo).IsAssignableFrom(declared) ? "a reflection object belongs to one process"
            : typeof(System.IO.Stream).IsAssignableFrom(declared) || typeof(System.Threading.WaitHandle).IsAssignableFrom(declared) || declared == typeof(IntPtr) || declared.IsPointer
                ? "an OS resource belongs to one process"
            : typeof(Task).IsAssignableFrom(declared) || typeof(Future).IsAssignableFrom(declared) ? "a task or future is a promise of this process, not a value"
            : declared.IsByRefLike ? "a ref struct cannot be boxed"
            : null;
        if (why is not null)
        {
            throw new ArgumentException($"The result of the work (a {Wire.TypeName(declared)}) cannot be sent back from a child process: {why}. {Wire.WhatTravels}", paramName);
        }
    }

    /// <summary>Sets the future's result or exception from <paramref name="item"/>; callbacks run on the calling thread.</summary>
    internal void Complete(Future future, ResultItem item, string workerName)
    {
        Exception? failure;
        if (item.Error is { } error)
        {
            failure = error.Rebuild(workerName, item.Pid);
        }
        else
        {
            try
            {
                SetResult(future, item);
                return;
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or TypeLoadException or InvalidCastException)
            {
                failure = new ChildProcessException($"The result of the work could not be read back from {workerName} (pid {item.Pid}): {e.Message}", e);
            }
        }

        future.SetException(failure);
    }

    private protected abstract void SetResult(Future future, ResultItem item);

    private sealed class VoidCompleter : Completer
    {
        internal override Type? ResultType => null;

        private protected override void SetResult(Future future, ResultItem item) => future.SetResult();
    }

    private sealed class Typed<T> : Completer
    {
        internal override Type? ResultType => typeof(T);

        private protected override void SetResult(Future future, ResultItem item) =>
            ((Future<T>)future).SetResult((T)(item.Value ?? new WireValue()).Read(typeof(T))!);
    }
}

/// <summary>Completes the <c>Future&lt;TResult[]&gt;</c> of a map chunk from the chunk's results.</summary>
internal sealed class ChunkCompleter<TResult> : Completer
{
    internal static readonly ChunkCompleter<TResult> Instance = new();

    internal override Type? ResultType => typeof(TResult);

    private protected override void SetResult(Future future, ResultItem item) =>
        ((Future<TResult[]>)future).SetResult((item.Values ?? Array.Empty<WireValue>()).Select(v => (TResult)v.Read(typeof(TResult))!).ToArray());
}
