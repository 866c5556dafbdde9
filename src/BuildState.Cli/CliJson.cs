using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BuildState.Cli;

/// <summary>The JSON of --json: camelCase, enums as strings, ISO-8601 times.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    public static string Serialize(object value, bool indented = true) =>
        JsonSerializer.Serialize(value, value.GetType(), indented ? Indented : Compact);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };
}
