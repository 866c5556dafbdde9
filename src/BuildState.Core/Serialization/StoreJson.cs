using System.Text.Json;
using System.Text.Json.Serialization;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Serialization;

/// <summary>
/// JSON for every store file, through System.Text.Json source generation (no reflection; safe in
/// MSBuild's process and under trimming). Reading enforces the limits of <see cref="StoreLimits"/>.
/// </summary>
public static class StoreJson
{
    private static readonly StoreJsonContext Context = new(CreateOptions());

    private static JsonSerializerOptions CreateOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        MaxDepth = StoreLimits.MaxJsonDepth,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<RunStatus>() },
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static byte[] Serialize(BuildRecord value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.BuildRecord);

    public static byte[] Serialize(IndexFile value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.IndexFile);

    public static byte[] Serialize(CheckpointFile value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.CheckpointFile);

    public static byte[] Serialize(LockOwnerFile value) => JsonSerializer.SerializeToUtf8Bytes(value, Context.LockOwnerFile);

    /// <summary>History records are one line each: compact, no indentation.</summary>
    public static byte[] SerializeCompact(HistoryEntry value) => Compact(value, Context.HistoryEntry);

    /// <summary>
    /// One line, through the same context as the indented files: a writer's own options decide the
    /// formatting, so the type metadata is built once per process, not once per format (building it
    /// is most of what the first store call in an MSBuild node costs).
    /// </summary>
    private static byte[] Compact<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, MaxDepth = StoreLimits.MaxJsonDepth, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Index journal records are one line each, like history records.</summary>
    public static byte[] SerializeCompact(IndexJournalRecord value) => Compact(value, Context.IndexJournalRecord);

    public static IndexJournalRecord DeserializeIndexJournal(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.IndexJournalRecord);

    public static BuildRecord DeserializeState(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.BuildRecord);

    public static IndexFile DeserializeIndex(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.IndexFile);

    public static CheckpointFile DeserializeCheckpoint(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.CheckpointFile);

    public static HistoryEntry DeserializeHistory(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.HistoryEntry);

    public static LockOwnerFile DeserializeLockOwner(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, Context.LockOwnerFile);

    public static BuildRecord Clone(BuildRecord value) => DeserializeState(Serialize(value), "(memory)");

    private static T Read<T>(ReadOnlySpan<byte> utf8, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, info)
                ?? throw BuildStateException.Corrupt(path, "the file holds JSON null instead of an object");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw BuildStateException.Corrupt(path, $"not a valid {typeof(T).Name} file{where}: {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            throw BuildStateException.Corrupt(path, $"not a valid {typeof(T).Name} file: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
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
