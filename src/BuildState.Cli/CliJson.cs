using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BuildState.Cli.Rendering;

namespace BuildState.Cli;

/// <summary>
/// The JSON of --json: camelCase, enums as strings, ISO-8601 times, characters unescaped where JSON
/// allows it. Written by source-generated code (<see cref="CliJsonContext"/>): no reflection, little
/// JIT work at start, and Native AOT compatible.
/// </summary>
internal static class CliJson
{
    private static readonly JsonWriterOptions IndentedWriter = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions CompactWriter = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize<T>(T value, JsonTypeInfo<T> info, bool indented = true)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedWriter : CompactWriter))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Source-generated serializers for every --json shape (<see cref="JsonShapes"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(BuildsJson))]
[JsonSerializable(typeof(ArchivedBuildsJson))]
[JsonSerializable(typeof(BuildJson))]
[JsonSerializable(typeof(HistoryJson))]
[JsonSerializable(typeof(CheckpointsJson))]
[JsonSerializable(typeof(CheckpointCreatedJson))]
[JsonSerializable(typeof(RestoredJson))]
[JsonSerializable(typeof(ValidateJson))]
[JsonSerializable(typeof(VerifyJson))]
[JsonSerializable(typeof(RecoverJson))]
[JsonSerializable(typeof(ArchivedJson))]
[JsonSerializable(typeof(PrunedJson))]
[JsonSerializable(typeof(MigratedJson))]
[JsonSerializable(typeof(ReportJson))]
[JsonSerializable(typeof(GraphJson))]
[JsonSerializable(typeof(WatchEventJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
