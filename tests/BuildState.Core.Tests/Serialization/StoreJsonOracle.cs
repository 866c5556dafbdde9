using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// The store's JSON as it was before the hand-written code: System.Text.Json with the
/// source-generated context, and the same mapping of its failures to store errors. What the
/// hand-written path must match, byte for byte and error for error.
/// </summary>
internal static class StoreJsonOracle
{
    private static StoreJsonContext Context => StoreJsonFallback.Context;

    /// <summary>One type's entry points: the store's (hand-written first) and the oracle's.</summary>
    public sealed record Case<T>(
        string Name,
        Func<T, byte[]> Write,
        Func<T, byte[]> OracleWrite,
        Func<byte[], T> Read,
        Func<byte[], T> OracleRead,
        StoreJsonReader.ReadObject<T> FastRead)
        where T : class;

    public const string Path = "some/file.json";

    public static readonly Case<BuildRecord> State = new("state", StoreJson.Serialize, v => Indented(v, Context.BuildRecord), b => StoreJson.DeserializeState(b, Path), b => Read(b, Context.BuildRecord), StoreJsonReader.BuildRecord);

    public static readonly Case<HistoryEntry> History = new("history", StoreJson.SerializeCompact, v => Compact(v, Context.HistoryEntry), b => StoreJson.DeserializeHistory(b, Path), b => Read(b, Context.HistoryEntry), StoreJsonReader.HistoryEntry);

    public static readonly Case<IndexFile> Index = new("index", StoreJson.Serialize, v => Indented(v, Context.IndexFile), b => StoreJson.DeserializeIndex(b, Path), b => Read(b, Context.IndexFile), StoreJsonReader.IndexFile);

    public static readonly Case<IndexJournalRecord> Journal = new("journal", StoreJson.SerializeCompact, v => Compact(v, Context.IndexJournalRecord), b => StoreJson.DeserializeIndexJournal(b, Path), b => Read(b, Context.IndexJournalRecord), StoreJsonReader.IndexJournalRecord);

    public static readonly Case<CheckpointFile> Checkpoint = new("checkpoint", StoreJson.Serialize, v => Indented(v, Context.CheckpointFile), b => StoreJson.DeserializeCheckpoint(b, Path), b => Read(b, Context.CheckpointFile), StoreJsonReader.CheckpointFile);

    public static readonly Case<LockOwnerFile> LockOwner = new("lock owner", StoreJson.Serialize, v => Indented(v, Context.LockOwnerFile), b => StoreJson.DeserializeLockOwner(b, Path), b => Read(b, Context.LockOwnerFile), StoreJsonReader.LockOwnerFile);

    private static byte[] Indented<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(value, info);

    private static byte[] Compact<T>(T value, JsonTypeInfo<T> info)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, MaxDepth = StoreLimits.MaxJsonDepth, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The reader before the hand-written one, verbatim but for its message, which no longer repeats System.Text.Json's 0-based position.</summary>
    private static T Read<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, info)
                ?? throw BuildStateException.Corrupt(Path, "the file holds JSON null instead of an object");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw BuildStateException.Corrupt(Path, $"not a valid {typeof(T).Name} file{where}: {WithoutPosition(FirstLine(e.Message))}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            throw BuildStateException.Corrupt(Path, $"not a valid {typeof(T).Name} file: {FirstLine(e.Message)}", e);
        }
    }

    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at < 0)
        {
            return message;
        }

        var kept = message[..at].TrimEnd();
        kept = kept.EndsWith('|') ? kept[..^1].TrimEnd() : kept;
        return kept.EndsWith('.') ? kept : kept + ".";
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>
    /// What a call gave, comparable: the bytes written, or (for reads) the value as the oracle writes
    /// it, or the exception's type, kind, file and message.
    /// </summary>
    public static string Outcome<T>(Func<T> call, Func<T, byte[]> show)
    {
        try
        {
            return "ok: " + System.Text.Encoding.UTF8.GetString(show(call()));
        }
        catch (BuildStateException e)
        {
            return $"{e.GetType().Name} {e.Kind} {e.FilePath}: {e.Message}";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
