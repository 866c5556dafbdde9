using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BuildState.Cli.Rendering;

namespace BuildState.Cli;

/// <summary>The JSON of --json: camelCase, enums as strings, ISO-8601 times.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    public static string Serialize(object value, bool indented = true) =>
        JsonSerializer.Serialize(value, value.GetType(), indented ? Indented : Compact);

    /// <summary>
    /// The same JSON through source-generated code (<see cref="CliJsonContext"/>): no reflection and
    /// little JIT work, for the verbs that must answer fast (status, list).
    /// </summary>
    public static string Serialize<T>(T value, JsonTypeInfo<T> info)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>Source-generated serializers for the --json shapes of the verbs that must answer fast.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(BuildsJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
