using System.Reflection;
using Concurrency.Runtime.Multiprocessing;

namespace Concurrency.Runtime.Futures;

/// <summary>
/// The loop a process pool's worker runs in its child process, CPython's <c>_process_worker</c>:
/// run the initializer once, then take call items from the call queue, run them, and put each
/// outcome on the result queue, until the stop sentinel (null) or <c>maxTasks</c> results.
/// </summary>
internal static class ProcessPoolWorker
{
    /// <summary>The worker process's target (a static method, so a child can find it by name).</summary>
    /// <param name="calls">The pool's call queue (created by the parent; a round trip per get).</param>
    /// <param name="results">The pool's result queue (puts are buffered and fed to the parent in batches).</param>
    /// <param name="initializer">The initializer as a call item without arguments, or null.</param>
    /// <param name="maxTasks">Exit after this many call items; 0 = never.</param>
    /// <param name="name">The worker's name, for messages.</param>
    internal static void Run(Multiprocessing.Queue<CallItem?> calls, Multiprocessing.Queue<ResultItem> results, CallItem? initializer, int maxTasks, string name)
    {
        var pid = Environment.ProcessId;
        var targets = new Dictionary<string, (MethodInfo Method, object? Instance, Type[] Parameters)>(StringComparer.Ordinal);
        if (initializer is not null)
        {
            try
            {
                var (method, instance, _) = Resolve(targets, initializer);
                method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, Array.Empty<object?>(), culture: null);
            }
            catch (Exception e)
            {
                // CPython logs it and exits; the parent then marks the pool broken. Here the parent
                // also learns why: the error goes with the notice.
                Console.Error.WriteLine($"Exception in the initializer of {name} (pid {pid}):");
                Console.Error.WriteLine(e);
                results.Put(new ResultItem { Kind = ResultKind.InitializerFailed, Pid = pid, Error = RemoteError.Of(e) });
                return;
            }
        }

        var done = 0;
        while (true)
        {
            var call = calls.Get();
            if (call is null)
            {
                results.Put(new ResultItem { Kind = ResultKind.Stopped, Pid = pid });
                return;
            }

            done++;
            var exiting = maxTasks > 0 && done >= maxTasks;
            var item = Execute(targets, call);
            item.Pid = pid;
            item.Exiting = exiting;
            results.Put(item);
            if (exiting)
            {
                return;
            }
        }
    }

    /// <summary>Runs one call item (or a chunk of calls) and describes its outcome; never throws for the work's errors.</summary>
    private static ResultItem Execute(Dictionary<string, (MethodInfo Method, object? Instance, Type[] Parameters)> targets, CallItem call)
    {
        var item = new ResultItem { Kind = ResultKind.Result, Id = call.Id };
        try
        {
            var (method, instance, parameters) = Resolve(targets, call);
            if (call.Chunk is { } chunk)
            {
                var values = new WireValue[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    var result = Invoke(method, instance, new[] { chunk[i].Read(parameters[0]) });
                    values[i] = Send(result, method.ReturnType);
                }

                item.Values = values;
            }
            else
            {
                var args = new object?[call.Args.Length];
                for (var i = 0; i < args.Length; i++)
                {
                    args[i] = call.Args[i].Read(parameters[i]);
                }

                var result = Invoke(method, instance, args);
                item.Value = method.ReturnType == typeof(void) ? null : Send(result, method.ReturnType);
            }
        }
        catch (Exception e)
        {
            item.Value = null;
            item.Values = null;
            item.Error = RemoteError.Of(e);
        }

        return item;
    }

    private static object? Invoke(MethodInfo method, object? instance, object?[] args) =>
        method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);

    /// <summary>CPython's <c>_sendback_result</c>: a result that cannot travel becomes the work's error.</summary>
    private static WireValue Send(object? result, Type declared)
    {
        try
        {
            return WireValue.Result(result, declared);
        }
        catch (Exception e) when (e is NotSupportedException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"The result (a {Wire.TypeName(result?.GetType() ?? declared)}) cannot be sent back to the parent process: {e.Message} {Wire.WhatTravels}", "fn", e);
        }
    }

    private static (MethodInfo Method, object? Instance, Type[] Parameters) Resolve(Dictionary<string, (MethodInfo, object?, Type[])> targets, CallItem call)
    {
        var key = string.Concat(call.Type, "\n", call.Method, "\n", string.Join("\n", call.Params));
        if (!targets.TryGetValue(key, out var target))
        {
            var (method, instance) = TargetSpec.Resolve(call.Asm, call.Type, call.Method, call.Params);
            target = (method, instance, method.GetParameters().Select(p => p.ParameterType).ToArray());
            targets[key] = target;
        }

        return target;
    }
}
