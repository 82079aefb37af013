using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// A process target named so that a child can find it again: declaring type, method name and
/// parameter types. Only static methods and lambdas that capture nothing qualify (a non-capturing
/// lambda compiles to an instance method of a field-less singleton, which the child recreates).
/// </summary>
internal sealed class TargetSpec
{
    private TargetSpec(MethodInfo method)
    {
        Method = method;
    }

    internal MethodInfo Method { get; }

    /// <summary>Checks that <paramref name="target"/> can be named in a child, and its argument count.</summary>
    /// <exception cref="ArgumentException">The target captures state, is an instance method, generic or multicast, or the argument count is wrong.</exception>
    internal static TargetSpec Describe(Delegate target, object?[] args) => Describe(target, args, TargetRole.Process);

    /// <summary>As <see cref="Describe(Delegate, object?[])"/>, with the parameter names and advice of <paramref name="role"/>.</summary>
    /// <exception cref="ArgumentException">The target captures state, is an instance method, generic or multicast, or the argument count is wrong.</exception>
    internal static TargetSpec Describe(Delegate target, object?[] args, TargetRole role)
    {
        ArgumentNullException.ThrowIfNull(target, role.TargetParam);
        ArgumentNullException.ThrowIfNull(args, role.ArgsParam);
        if (target.GetInvocationList().Length > 1)
        {
            throw new ArgumentException($"The target of {role.Subject} must be one method, not a multicast delegate.", role.TargetParam);
        }

        var method = target.Method;
        var type = method.DeclaringType
            ?? throw new ArgumentException($"The target of {role.Subject} must be a method declared in a type (not a dynamic method).", role.TargetParam);
        if (!method.IsStatic)
        {
            var compilerGenerated = type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
            var captured = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (compilerGenerated && captured.Length > 0)
            {
                throw new ArgumentException(
                    $"The target is a lambda that captures variables ({string.Join(", ", captured.Select(f => f.Name))}); a child process is a new program and cannot see them. " +
                    $"Make the lambda static (static (int n) => ...) and pass the values in {role.ArgsParam}{role.CaptureAlternative}.",
                    role.TargetParam);
            }

            if (!compilerGenerated)
            {
                throw new ArgumentException(
                    $"The target {type.Name}.{method.Name} is an instance method of an object, which a child process cannot receive. " +
                    $"Use a static method or a lambda that captures nothing, and pass data in {role.ArgsParam}{role.InstanceAlternative}.",
                    role.TargetParam);
            }
        }

        if (method.IsGenericMethod || type.IsGenericType)
        {
            throw new ArgumentException($"The target {type.Name}.{method.Name} is generic; a child process finds its target by name, so use a non-generic static method.", role.TargetParam);
        }

        var parameters = method.GetParameters();
        if (parameters.Length != args.Length)
        {
            throw new ArgumentException($"The target {type.Name}.{method.Name} takes {parameters.Length} argument(s) but {args.Length} were given.", role.ArgsParam);
        }

        return new TargetSpec(method);
    }

    /// <summary>The file of the target's assembly, for a child that has not loaded it.</summary>
    internal string AssemblyPath => Method.DeclaringType!.Assembly.Location;

    /// <summary>The assembly-qualified name of the declaring type.</summary>
    internal string TypeName => Method.DeclaringType!.AssemblyQualifiedName!;

    /// <summary>The assembly-qualified names of the parameter types, which pick the overload.</summary>
    internal string[] ParameterTypeNames => Method.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName!).ToArray();

    /// <summary>Writes the target and its serialized arguments into the payload.</summary>
    /// <exception cref="ArgumentException">An argument cannot travel (checked by a round trip).</exception>
    internal void Write(JsonObject payload, object?[] args)
    {
        payload["asm"] = AssemblyPath;
        payload["type"] = TypeName;
        payload["method"] = Method.Name;
        payload["params"] = new JsonArray(ParameterTypeNames.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        var written = new JsonArray();
        for (var i = 0; i < args.Length; i++)
        {
            var (travelType, json) = SerializeArgument(i, args[i], TargetRole.Process);
            written.Add(new JsonObject
            {
                ["t"] = travelType.AssemblyQualifiedName,
                ["a"] = travelType.Assembly.Location,
                ["j"] = json,
            });
        }

        payload["args"] = written;
    }

    /// <summary>
    /// Checks argument <paramref name="index"/> against its parameter and serializes it (a round trip,
    /// so a value that would fail in the child fails here). An argument for an object or interface
    /// parameter travels as its own type, which is returned beside the JSON.
    /// </summary>
    /// <exception cref="ArgumentException">The argument has the wrong type or cannot travel.</exception>
    internal (Type TravelType, string Json) SerializeArgument(int index, object? arg, TargetRole role)
    {
        var parameter = Method.GetParameters()[index];
        var declared = parameter.ParameterType;
        if (arg is not null && !declared.IsInstanceOfType(arg))
        {
            throw new ArgumentException($"Argument {index} is a {Wire.TypeName(arg.GetType())}, but parameter '{parameter.Name}' of the target is a {Wire.TypeName(declared)}.", role.ArgsParam);
        }

        var travelType = arg is null || declared.IsSealed || declared.IsValueType ? declared : arg.GetType();
        return (travelType, Wire.SerializeChecked(arg, travelType, $"Argument {index} ('{parameter.Name}')", role.ArgsParam));
    }

    /// <summary>In the child: finds the method a target names, and the instance to call it on (the singleton of a non-capturing lambda).</summary>
    /// <exception cref="MissingMethodException">No such method.</exception>
    internal static (MethodInfo Method, object? Instance) Resolve(string assemblyPath, string typeName, string methodName, IReadOnlyList<string> parameterTypeNames)
    {
        var type = Wire.ResolveType(typeName, assemblyPath);
        var method = type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name == methodName && m.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName).SequenceEqual(parameterTypeNames))
            ?? throw new MissingMethodException($"The child process cannot find the target {type.FullName}.{methodName}.");
        object? instance = null;
        if (!method.IsStatic)
        {
            instance = type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null)
                ?? RuntimeHelpers.GetUninitializedObject(type);
        }

        return (method, instance);
    }

    /// <summary>In the child: finds the target and deserializes its arguments into a call.</summary>
    internal static Action Read(JsonElement payload)
    {
        var parameterNames = payload.GetProperty("params").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var (method, instance) = Resolve(payload.GetProperty("asm").GetString()!, payload.GetProperty("type").GetString()!, payload.GetProperty("method").GetString()!, parameterNames);
        var args = payload.GetProperty("args").EnumerateArray().Select(a =>
        {
            var argType = Wire.ResolveType(a.GetProperty("t").GetString()!, a.GetProperty("a").GetString()!);
            return JsonSerializer.Deserialize(a.GetProperty("j").GetString()!, argType, Wire.Options);
        }).ToArray();
        return () => method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
    }
}

/// <summary>
/// Who checks a target, for the parameter names and the advice in its errors: a <see cref="Process"/>
/// (target, args) or a process pool's work (fn, arg).
/// </summary>
internal sealed record TargetRole(string Subject, string TargetParam, string ArgsParam, string CaptureAlternative, string InstanceAlternative)
{
    internal static readonly TargetRole Process = new(
        "a process", "target", "args", ", or subclass Process and override Run", "; or subclass Process, keep the data in public properties and override Run");
}
