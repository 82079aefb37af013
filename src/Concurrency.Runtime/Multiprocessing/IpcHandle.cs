using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// What an IPC object becomes when it travels to another process: the socket of the broker in the
/// process that created it, the object's id there, that process's pid, and two type-specific numbers
/// (a queue's maxsize; a pipe end's index and direction).
/// </summary>
internal sealed record IpcHandle(string Socket, long Id, int OwnerPid, string Kind, int A = 0, int B = 0)
{
    /// <summary>Whether the object lives in this process (its broker is ours).</summary>
    internal bool IsLocal => OwnerPid == Environment.ProcessId && Broker.IsOwn(Socket);
}

/// <summary>An object of this namespace that crosses process boundaries as an <see cref="IpcHandle"/>.</summary>
internal interface IIpcObject
{
    IpcHandle Handle { get; }
}

/// <summary>Writes IPC objects as their handle and reopens them when read (each type has a constructor taking the handle).</summary>
internal sealed class IpcHandleConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(IIpcObject).IsAssignableFrom(typeToConvert);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(HandleConverter<>).MakeGenericType(typeToConvert));

    private sealed class HandleConverter<T> : JsonConverter<T>
        where T : class, IIpcObject
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var handle = JsonSerializer.Deserialize<IpcHandle>(ref reader)
                ?? throw new JsonException($"A {typeToConvert.Name} handle is missing.");
            return (T)Activator.CreateInstance(typeToConvert, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, binder: null, new object[] { handle }, culture: null)!;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Handle);
    }
}
