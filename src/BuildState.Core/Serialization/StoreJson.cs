using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Serialization;

/// <summary>
/// JSON for every store file. The store's own shapes are written and read by hand-written code over
/// <see cref="Utf8JsonWriter"/>/<see cref="Utf8JsonReader"/> (precompiled with the rest of the
/// assembly: no JIT work in an MSBuild node's first store call); anything else falls back to
/// System.Text.Json source generation (<see cref="StoreJsonFallback"/>), which defines the format:
/// both give the same bytes, the same values and the same errors. No reflection: safe in MSBuild's
/// process and under trimming. Reading enforces the limits of <see cref="StoreLimits"/>.
/// </summary>
public static class StoreJson
{
    public static byte[] Serialize(BuildRecord value) => Write(value, StoreJsonWriter.BuildRecord, indented: true, static c => c.BuildRecord);

    /// <summary>
    /// A state file (current_state.json, a backup): the state as <see cref="Serialize(BuildRecord)"/>
    /// writes it, with one more member last, <c>"crc32": "xxxxxxxx"</c>: the CRC-32 of every byte
    /// before the comma that precedes it. The snapshot is overwritten in place (a spare file swapped
    /// in), so a reader that does not hold the build's lock can read a file that is being rewritten:
    /// the checksum tells a whole state from a mix of two. Older readers skip the member.
    /// </summary>
    public static byte[] SerializeStateFile(BuildRecord value)
    {
        var json = Serialize(value);
        var close = json.AsSpan().LastIndexOf((byte)'}');
        var body = ByteSpans.TrimEndWhitespace(json.AsSpan(0, close));
        var newline = json.AsSpan(body.Length, close - body.Length);
        Span<byte> member = stackalloc byte[ChecksumMember.Length + 8 + 1];
        ChecksumMember.CopyTo(member);
        Crc32.Compute(body).TryFormat(member[ChecksumMember.Length..], out _, "x8");
        member[^1] = (byte)'"';
        var result = new byte[body.Length + 1 + newline.Length + 2 + member.Length + newline.Length + 1];
        var at = 0;
        void Put(ReadOnlySpan<byte> part)
        {
            part.CopyTo(result.AsSpan(at));
            at += part.Length;
        }

        Put(body);
        Put(","u8);
        Put(newline);
        Put("  "u8);
        Put(member);
        Put(newline);
        Put("}"u8);
        return result;
    }

    private static ReadOnlySpan<byte> ChecksumMember => "\"crc32\": \""u8;

    /// <summary>
    /// Checks the <c>crc32</c> member that <see cref="SerializeStateFile"/> puts last. A file without
    /// it (written before it existed, or by hand) is not checked; a file whose checksum does not
    /// match (torn, altered, or read while it was being rewritten) is a Corruption error.
    /// </summary>
    public static void VerifyStateChecksum(ReadOnlySpan<byte> utf8, string path)
    {
        var end = ByteSpans.TrimEndWhitespace(utf8);
        if (end.Length < ChecksumMember.Length + 12 || end[^1] != (byte)'}')
        {
            return;
        }

        var tail = ByteSpans.TrimEndWhitespace(end[..^1]);
        if (tail.Length < ChecksumMember.Length + 10 || tail[^1] != (byte)'"')
        {
            return;
        }

        var hex = tail[^9..^1];
        var member = tail[..^9];
        if (!ByteSpans.EndsWith(member, ChecksumMember))
        {
            return;
        }

        var beforeMember = ByteSpans.TrimEndWhitespace(member[..^ChecksumMember.Length]);
        if (beforeMember.Length == 0 || beforeMember[^1] != (byte)',')
        {
            return;
        }

        var body = beforeMember[..^1];
        if (!System.Buffers.Text.Utf8Parser.TryParse(hex, out uint expected, out var used, 'x') || used != 8 || Crc32.Compute(body) != expected)
        {
            throw BuildStateException.Corrupt(path, "the state's checksum does not match its content (torn, altered, or read while it was rewritten)");
        }
    }

    public static byte[] Serialize(IndexFile value) => Write(value, StoreJsonWriter.IndexFile, indented: true, static c => c.IndexFile);

    public static byte[] Serialize(CheckpointFile value) => Write(value, StoreJsonWriter.CheckpointFile, indented: true, static c => c.CheckpointFile);

    public static byte[] Serialize(LockOwnerFile value) => Write(value, StoreJsonWriter.LockOwnerFile, indented: true, static c => c.LockOwnerFile);

    /// <summary>History records are one line each: compact, no indentation.</summary>
    public static byte[] SerializeCompact(HistoryEntry value) => Write(value, StoreJsonWriter.HistoryEntry, indented: false, static c => c.HistoryEntry);

    /// <summary>Index journal records are one line each, like history records.</summary>
    public static byte[] SerializeCompact(IndexJournalRecord value) => Write(value, StoreJsonWriter.IndexJournalRecord, indented: false, static c => c.IndexJournalRecord);

    public static IndexJournalRecord DeserializeIndexJournal(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.IndexJournalRecord, static c => c.IndexJournalRecord);

    public static BuildRecord DeserializeState(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.BuildRecord, static c => c.BuildRecord);

    public static IndexFile DeserializeIndex(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.IndexFile, static c => c.IndexFile);

    public static CheckpointFile DeserializeCheckpoint(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.CheckpointFile, static c => c.CheckpointFile);

    public static HistoryEntry DeserializeHistory(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.HistoryEntry, static c => c.HistoryEntry);

    public static LockOwnerFile DeserializeLockOwner(ReadOnlySpan<byte> utf8, string path) => Read(utf8, path, StoreJsonReader.LockOwnerFile, static c => c.LockOwnerFile);

    public static BuildRecord Clone(BuildRecord value) => DeserializeState(Serialize(value), "(memory)");

    /// <summary>Hand-written first; a value it does not write the way the serializer would (an undefined enum value, a number JSON cannot hold) goes to the serializer, which gives the same bytes or the same exception.</summary>
    private static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write, bool indented, Func<StoreJsonContext, JsonTypeInfo<T>> info)
    {
        try
        {
            return StoreJsonWriter.Write(value, write, indented);
        }
        catch (Exception e) when (e is NotCanonicalException or ArgumentException or InvalidOperationException)
        {
            // The context (and the metadata it builds) is touched only here, never on the common path.
            var metadata = info(StoreJsonFallback.Context);
            return indented ? StoreJsonFallback.Indented(value, metadata) : StoreJsonFallback.Compact(value, metadata);
        }
    }

    private static T Read<T>(ReadOnlySpan<byte> utf8, string path, StoreJsonReader.ReadObject<T> read, Func<StoreJsonContext, JsonTypeInfo<T>> info)
        where T : class
    {
        try
        {
            return StoreJsonReader.Read(utf8, read);
        }
        catch (Exception e) when (e is NotCanonicalException or JsonException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            // Not of the shape the store writes (or not JSON at all): the serializer decides.
        }

        return ReadWithSerializer(utf8, path, info(StoreJsonFallback.Context));
    }

    private static T ReadWithSerializer<T>(ReadOnlySpan<byte> utf8, string path, JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return StoreJsonFallback.Deserialize(utf8, info)
                ?? throw BuildStateException.Corrupt(path, "the file holds JSON null instead of an object");
        }
        catch (JsonException e)
        {
            throw BuildStateException.Corrupt(path, $"not a valid {typeof(T).Name} file{JsonErrorText.Where(e)}: {JsonErrorText.Message(e)}", e);
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
