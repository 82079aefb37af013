using System.IO;
using System.Runtime.Loader;
using System.Text.Json;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// How values travel between processes: System.Text.Json with public properties and public fields,
/// plus converters that turn this namespace's IPC objects into handles a child reopens. Python's
/// <c>spawn</c> pickles; JSON is the portable .NET counterpart, so what travels is what
/// System.Text.Json can write and read back (see docs/runtime.md).
/// </summary>
internal static class Wire
{
    internal static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>The kinds of value that travel, for error messages.</summary>
    internal const string WhatTravels =
        "Values travel as JSON (System.Text.Json): numbers, bool, strings, enums, DateTime, Guid, arrays, lists, dictionaries with string keys, " +
        "records and classes with public properties or fields and a usable constructor, and this namespace's Queue, JoinableQueue, Pipe connections, Lock and Semaphore.";

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General) { IncludeFields = true };
        options.Converters.Add(new IpcHandleConverterFactory());
        return options;
    }

    internal static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    internal static T Deserialize<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, Options)!;

    /// <summary>
    /// Serializes <paramref name="value"/> as <paramref name="type"/> and reads it back, so a value
    /// that would fail in the child fails here, in the parent, before anything is spawned.
    /// </summary>
    /// <exception cref="ArgumentException">The value cannot travel; the message says why.</exception>
    internal static string SerializeChecked(object? value, Type type, string what, string paramName)
    {
        try
        {
            if (value is Delegate)
            {
                throw new NotSupportedException("a delegate is code, not data");
            }

            var json = JsonSerializer.Serialize(value, type, Options);
            JsonSerializer.Deserialize(json, type, Options);
            return json;
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"{what} (a {TypeName(type)}) cannot be sent to a child process: {e.Message} {WhatTravels}", paramName, e);
        }
    }

    internal static string TypeName(Type type) => type.FullName ?? type.Name;

    /// <summary>The assembly-qualified name plus the file it was loaded from, so a child can find it.</summary>
    internal static (string Name, string Path) Describe(Type type) => (type.AssemblyQualifiedName!, type.Assembly.Location);

    /// <summary>Finds a type in the child: by name, else by loading its assembly from the parent's path.</summary>
    internal static Type ResolveType(string assemblyQualifiedName, string assemblyPath)
    {
        if (Type.GetType(assemblyQualifiedName) is { } found)
        {
            return found;
        }

        if (assemblyPath.Length > 0 && File.Exists(assemblyPath))
        {
            ProbeDirectory(Path.GetDirectoryName(assemblyPath)!);
            AssemblyLoadContext.Default.LoadFromAssemblyPath(assemblyPath);
            if (Type.GetType(assemblyQualifiedName) is { } loaded)
            {
                return loaded;
            }
        }

        throw new TypeLoadException($"The child process cannot find type {assemblyQualifiedName} (assembly file '{assemblyPath}').");
    }

    private static readonly HashSet<string> s_probed = new(StringComparer.Ordinal);

    /// <summary>Lets assemblies next to a target's assembly resolve (e.g. a test assembly run by a helper executable).</summary>
    private static void ProbeDirectory(string directory)
    {
        lock (s_probed)
        {
            if (!s_probed.Add(directory))
            {
                return;
            }
        }

        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
    }
}
