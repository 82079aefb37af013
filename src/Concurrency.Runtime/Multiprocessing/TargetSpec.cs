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
    internal static TargetSpec Describe(Delegate target, object?[] args)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(args);
        if (target.GetInvocationList().Length > 1)
        {
            throw new ArgumentException("The target of a process must be one method, not a multicast delegate.", nameof(target));
        }

        var method = target.Method;
        var type = method.DeclaringType
            ?? throw new ArgumentException("The target of a process must be a method declared in a type (not a dynamic method).", nameof(target));
        if (!method.IsStatic)
        {
            var compilerGenerated = type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
            var captured = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (compilerGenerated && captured.Length > 0)
            {
                throw new ArgumentException(
                    $"The target is a lambda that captures variables ({string.Join(", ", captured.Select(f => f.Name))}); a child process is a new program and cannot see them. " +
                    "Make the lambda static (static (int n) => ...) and pass the values in args, or subclass Process and override Run.",
                    nameof(target));
            }

            if (!compilerGenerated)
            {
                throw new ArgumentException(
                    $"The target {type.Name}.{method.Name} is an instance method of an object, which a child process cannot receive. " +
                    "Use a static method or a lambda that captures nothing, and pass data in args; or subclass Process, keep the data in public properties and override Run.",
                    nameof(target));
            }
        }

        if (method.IsGenericMethod || type.IsGenericType)
        {
            throw new ArgumentException($"The target {type.Name}.{method.Name} is generic; a child process finds its target by name, so use a non-generic static method.", nameof(target));
        }

        var parameters = method.GetParameters();
        if (parameters.Length != args.Length)
        {
            throw new ArgumentException($"The target {type.Name}.{method.Name} takes {parameters.Length} argument(s) but {args.Length} were given.", nameof(args));
        }

        return new TargetSpec(method);
    }

    /// <summary>Writes the target and its serialized arguments into the payload.</summary>
    /// <exception cref="ArgumentException">An argument cannot travel (checked by a round trip).</exception>
    internal void Write(JsonObject payload, object?[] args)
    {
        var type = Method.DeclaringType!;
        payload["asm"] = type.Assembly.Location;
        payload["type"] = type.AssemblyQualifiedName;
        payload["method"] = Method.Name;
        payload["params"] = new JsonArray(Method.GetParameters().Select(p => (JsonNode?)JsonValue.Create(p.ParameterType.AssemblyQualifiedName)).ToArray());
        var parameters = Method.GetParameters();
        var written = new JsonArray();
        for (var i = 0; i < args.Length; i++)
        {
            var declared = parameters[i].ParameterType;
            var arg = args[i];
            if (arg is not null && !declared.IsInstanceOfType(arg))
            {
                throw new ArgumentException($"Argument {i} is a {Wire.TypeName(arg.GetType())}, but parameter '{parameters[i].Name}' of the target is a {Wire.TypeName(declared)}.", nameof(args));
            }

            // An argument for an object or interface parameter travels as its own type.
            var travelType = arg is null || declared.IsSealed || declared.IsValueType ? declared : arg.GetType();
            var json = Wire.SerializeChecked(arg, travelType, $"Argument {i} ('{parameters[i].Name}')", nameof(args));
            written.Add(new JsonObject
            {
                ["t"] = travelType.AssemblyQualifiedName,
                ["a"] = travelType.Assembly.Location,
                ["j"] = json,
            });
        }

        payload["args"] = written;
    }

    /// <summary>In the child: finds the target and deserializes its arguments into a call.</summary>
    internal static Action Read(JsonElement payload)
    {
        var asm = payload.GetProperty("asm").GetString()!;
        var type = Wire.ResolveType(payload.GetProperty("type").GetString()!, asm);
        var name = payload.GetProperty("method").GetString()!;
        var parameterNames = payload.GetProperty("params").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var method = type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name == name && m.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName).SequenceEqual(parameterNames))
            ?? throw new MissingMethodException($"The child process cannot find the target {type.FullName}.{name}.");
        var args = payload.GetProperty("args").EnumerateArray().Select(a =>
        {
            var argType = Wire.ResolveType(a.GetProperty("t").GetString()!, a.GetProperty("a").GetString()!);
            return JsonSerializer.Deserialize(a.GetProperty("j").GetString()!, argType, Wire.Options);
        }).ToArray();
        object? instance = null;
        if (!method.IsStatic)
        {
            instance = type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null)
                ?? RuntimeHelpers.GetUninitializedObject(type);
        }

        return () => method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
    }
}
