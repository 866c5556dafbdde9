using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Serialization;

/// <summary>
/// System.Text.Json with source-generated metadata: the definition of the store's JSON. The
/// hand-written <see cref="StoreJsonWriter"/> and <see cref="StoreJsonReader"/> do the common work
/// without it (its generic code over our types costs every MSBuild node about 50 ms of JIT on first
/// use); this takes whatever they leave: values or files of another shape than the store writes,
/// so what is accepted and every error are the serializer's. Tests compare the two.
/// </summary>
internal static class StoreJsonFallback
{
    public static readonly StoreJsonContext Context = new(CreateOptions());

    private static JsonSerializerOptions CreateOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        MaxDepth = StoreLimits.MaxJsonDepth,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<RunStatus>(), new PhaseDurationsConverter() },
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static byte[] Indented<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(value, info);

    /// <summary>
    /// One line, through the same context as the indented files: a writer's own options decide the
    /// formatting, so the type metadata is built once per process, not once per format.
    /// </summary>
    public static byte[] Compact<T>(T value, JsonTypeInfo<T> info)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, MaxDepth = StoreLimits.MaxJsonDepth, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> info) => JsonSerializer.Deserialize(utf8, info);
}

[JsonSerializable(typeof(BuildRecord))]
[JsonSerializable(typeof(IndexFile))]
[JsonSerializable(typeof(IndexJournalRecord))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(CheckpointFile))]
[JsonSerializable(typeof(LockOwnerFile))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
}
