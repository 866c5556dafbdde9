using System.Buffers.Text;
using System.Text;
using BuildState.Errors;
using BuildState.IO;
using BuildState.Serialization;

namespace BuildState.Store;

/// <summary>
/// A build's append-only history: one framed record per change,
/// <c>BSH1 &lt;length:8 hex&gt; &lt;crc32:8 hex&gt; &lt;json&gt;\n</c>. The length and checksum let a
/// reader tell a whole record from a torn or altered one; records are never rewritten. The file may
/// end in zero bytes, space written ahead for the next records (on Linux a record is written into
/// it in place, so committing it changes no file length: docs/store-format.md): where the rest of
/// the file from a record boundary is all zeros, the log ends there.
/// </summary>
public static class HistoryLog
{
    private static readonly byte[] Magic = "BSH1 "u8.ToArray();
    public const int HeaderLength = 23; // "BSH1 " + 8 hex + ' ' + 8 hex + ' '

    /// <summary>Frames one entry as bytes ready to append.</summary>
    public static byte[] Frame(HistoryEntry entry)
    {
        var payload = StoreJson.SerializeCompact(entry);
        if (payload.Length > StoreLimits.MaxHistoryRecordBytes)
        {
            throw new BuildStateException(StoreErrorKind.Validation, $"a history record would be {payload.Length} bytes, more than the limit of {StoreLimits.MaxHistoryRecordBytes}");
        }

        var crc = Crc32.Compute(payload);
        var header = Encoding.ASCII.GetBytes($"BSH1 {payload.Length:x8} {crc:x8} ");
        var record = new byte[header.Length + payload.Length + 1];
        header.CopyTo(record, 0);
        payload.CopyTo(record, header.Length);
        record[^1] = (byte)'\n';
        return record;
    }

    /// <summary>Reads every whole record of <paramref name="data"/> from <paramref name="start"/> on.</summary>
    public static HistoryScan Scan(ReadOnlySpan<byte> data, string path, long start = 0)
    {
        var entries = new List<(HistoryEntry Entry, long End)>();
        List<HistoryDamage>? damage = null;
        var offset = (int)Math.Min(start, data.Length);
        var validEnd = offset;
        NewerHistoryRecord? firstNewer = null;
        while (offset < data.Length)
        {
            if (IsEmptyTail(data[offset..]))
            {
                break; // space written ahead for the next records: the log ends here
            }

            var error = TryRead(data[offset..], path, out var entry, out var consumed, out var newer);
            if (error is null)
            {
                if (newer > 0)
                {
                    firstNewer ??= new NewerHistoryRecord(offset, newer); // whole, but not this code's to interpret
                }
                else
                {
                    entries.Add((entry!, offset + consumed));
                }

                offset += consumed;
                validEnd = offset;
                continue;
            }

            // Look for the next record start: valid records after damage mean mid-log corruption,
            // not a torn tail, and they are still read (nothing committed is dropped silently).
            var next = data[(offset + 1)..].IndexOf(Magic);
            var end = next >= 0 ? offset + 1 + next : Math.Max(offset + 1, data.LastIndexOfAnyExcept((byte)0) + 1);
            var after = entries.Count > 0 ? entries[^1].Entry.Sequence : 0;
            (damage ??= []).Add(new HistoryDamage(offset, end, error.Value.Message, error.Value.CutOff, after, Before: null));
            if (next < 0)
            {
                break;
            }

            offset = end;
        }

        if (damage is null)
        {
            return new HistoryScan(entries, validEnd, false, []) { FirstNewer = firstNewer };
        }

        NameFollowingRecords(damage, entries);
        var tornTail = entries.Count == 0 || entries[^1].End <= damage[0].Offset;
        return new HistoryScan(entries, validEnd, tornTail, damage) { FirstNewer = firstNewer };
    }

    /// <summary>
    /// Gives each damaged range the sequence of the first whole record after it; a range followed by
    /// one is not cut off at the end, whatever its record looked like.
    /// </summary>
    private static void NameFollowingRecords(List<HistoryDamage> damage, List<(HistoryEntry Entry, long End)> entries)
    {
        var next = 0;
        for (var i = 0; i < damage.Count; i++)
        {
            while (next < entries.Count && entries[next].End <= damage[i].Offset)
            {
                next++;
            }

            if (next < entries.Count)
            {
                damage[i] = damage[i] with { Before = entries[next].Entry.Sequence, CutOff = false };
            }
        }
    }

    /// <summary>
    /// The newest record of <paramref name="data"/>, a run of records that a reader already knows to
    /// start at a record boundary (the part of a log appended since a state snapshot). Every frame's
    /// length and checksum are verified but only the last one is parsed, so reading a tail of many
    /// records costs one parse. Null when the data holds no whole record or any damage other than a
    /// cut-off last record; <paramref name="tornTail"/> tells about that one (a crash mid-append, or
    /// an append still in progress).
    /// </summary>
    public static (HistoryEntry Entry, long End)? ReadLast(ReadOnlySpan<byte> data, string path, out bool tornTail)
    {
        tornTail = false;
        var offset = 0;
        (int Start, int Length, int End)? last = null;
        while (offset < data.Length && !IsEmptyTail(data[offset..]))
        {
            if (TryFrame(data[offset..], out var payloadLength, out var consumed) is { } error)
            {
                tornTail = error.CutOff;
                if (!tornTail)
                {
                    return null;
                }

                break;
            }

            last = (offset + HeaderLength, payloadLength, offset + consumed);
            offset += consumed;
        }

        if (last is not { } frame)
        {
            return null;
        }

        try
        {
            var entry = StoreJson.DeserializeHistory(data.Slice(frame.Start, frame.Length), path);
            return entry.SchemaVersion > StoreSchema.Current ? null : (entry, frame.End); // newer: the full scan reports it
        }
        catch (BuildStateException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="rest"/> (the file from a record boundary on) is all zeros: space written ahead, no record.</summary>
    public static bool IsEmptyTail(ReadOnlySpan<byte> rest) => rest.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// Reads one record; null when it is whole, else what is wrong and whether it is cut off (see
    /// <see cref="TryFrame"/>). A whole record of a newer schema than this code knows is no damage:
    /// <paramref name="newer"/> is then its schema version and <paramref name="entry"/> null.
    /// </summary>
    private static (string Message, bool CutOff)? TryRead(ReadOnlySpan<byte> data, string path, out HistoryEntry? entry, out int consumed, out int newer)
    {
        entry = null;
        newer = 0;
        if (TryFrame(data, out var length, out consumed) is { } error)
        {
            consumed = 0;
            return error;
        }

        var payload = data.Slice(HeaderLength, length);
        try
        {
            entry = StoreJson.DeserializeHistory(payload, path);
        }
        catch (BuildStateException e)
        {
            // Its checksum holds: the bytes are what a writer wrote. A newer writer's, or damage.
            newer = Migrations.NewerVersionOf(payload, path) ?? 0;
            consumed = newer > 0 ? consumed : 0;
            return newer > 0 ? null : (e.Message, false);
        }

        if (entry.SchemaVersion > StoreSchema.Current)
        {
            newer = entry.SchemaVersion;
            entry = null;
        }

        return null;
    }

    /// <summary>Checks one frame's header, length, terminator and checksum; null when it is whole.</summary>
    private static (string Message, bool CutOff)? TryFrame(ReadOnlySpan<byte> data, out int payloadLength, out int consumed)
    {
        payloadLength = 0;
        consumed = 0;
        if (data.Length < HeaderLength)
        {
            var seen = Math.Min(data.Length, Magic.Length);
            return ("the record header is cut off", data[..seen].SequenceEqual(Magic.AsSpan(0, seen)));
        }

        if (!data[..5].SequenceEqual(Magic) || data[13] != (byte)' ' || data[22] != (byte)' ')
        {
            // A header never holds a zero byte: one that does is being written in place (or was
            // torn doing so) into the space ahead, like a record cut off at the end of the file.
            return ("not a record header", ByteSpans.Contains(data[..HeaderLength], 0) && data[..1].SequenceEqual(Magic.AsSpan(0, 1)));
        }

        if (!Utf8Parser.TryParse(data.Slice(5, 8), out uint length, out var used1, 'x') || used1 != 8
            || !Utf8Parser.TryParse(data.Slice(14, 8), out uint crc, out var used2, 'x') || used2 != 8)
        {
            return ("the record header has no valid length or checksum", false);
        }

        if (length > StoreLimits.MaxHistoryRecordBytes)
        {
            return ($"the record claims {length} bytes, more than the limit", false);
        }

        var total = HeaderLength + (int)length + 1;
        if (data.Length < total)
        {
            return ("the record is cut off (torn write)", true);
        }

        var payload = data.Slice(HeaderLength, (int)length);
        if (data[total - 1] != (byte)'\n')
        {
            // A zero where the newline belongs: written in place into the space ahead and not
            // finished yet (or torn): cut off, as a record running past the end of the file is.
            return data[total - 1] == 0 ? ("the record is cut off (torn write)", true) : ("the record does not end where its length says", false);
        }

        if (Crc32.Compute(payload) != crc)
        {
            return ("checksum mismatch (the record was altered or torn)", false);
        }

        payloadLength = (int)length;
        consumed = total;
        return null;
    }
}

/// <summary>What a scan of a history file found.</summary>
/// <param name="Entries">Every whole record, with the offset just past it.</param>
/// <param name="ValidEnd">The offset just past the last whole record.</param>
/// <param name="TornTail">True when the damage runs to the end of the file (a crash mid-append).</param>
/// <param name="Damage">Every byte range that holds no whole record, in order.</param>
public sealed record HistoryScan(
    IReadOnlyList<(HistoryEntry Entry, long End)> Entries,
    long ValidEnd,
    bool TornTail,
    IReadOnlyList<HistoryDamage> Damage)
{
    public bool IsClean => Damage.Count == 0;

    /// <summary>The offset of the first damaged byte range, if any.</summary>
    public long? DamageAt => Damage.Count > 0 ? Damage[0].Offset : null;

    /// <summary>
    /// The first whole record of a newer schema than this code reads (its offset and version), if
    /// any. Such records are not in <see cref="Entries"/> and are no damage: a log holding one is
    /// refused as a whole (<see cref="Migrations.NewerSchema"/>), never repaired.
    /// </summary>
    public NewerHistoryRecord? FirstNewer { get; init; }

    /// <summary>One line per damaged range: "offset N: what is wrong".</summary>
    public IReadOnlyList<string> Problems => Damage.Select(d => $"offset {d.Offset}: {d.Problem}").ToList();
}

/// <summary>A byte range of a history log that holds no whole record: a record that could not be read.</summary>
/// <param name="Offset">Where the range starts (where a record should start).</param>
/// <param name="End">Where it ends: the start of the next whole record, or the end of the data (zeros written ahead left out).</param>
/// <param name="Problem">What is wrong with the record at <paramref name="Offset"/>.</param>
/// <param name="CutOff">
/// True when it is the last thing in the log and its record runs past the end of the data or into
/// the zeros written ahead: an append a crash cut off, or one still being written.
/// </param>
/// <param name="After">The sequence of the last whole record before the range (0 when none).</param>
/// <param name="Before">The sequence of the first whole record after it; null when none follows.</param>
public sealed record HistoryDamage(long Offset, long End, string Problem, bool CutOff, long After, long? Before)
{
    /// <summary>The first sequence the range held, as its neighbours tell; null when it held none (its neighbours are consecutive).</summary>
    public long? FirstSequence => Before is { } b && b - After <= 1 ? null : After + 1;

    /// <summary>The last sequence the range held; null when it held none, or when no whole record follows it to tell.</summary>
    public long? LastSequence => Before is { } b && b - After > 1 ? b - 1 : null;

    /// <summary>The sequences the range held, as its neighbours tell: "sequence 1", "sequences 3 to 5", "the records after sequence 2".</summary>
    public string Sequences => (FirstSequence, LastSequence) switch
    {
        ({ } first, { } last) when first == last => $"sequence {first}",
        ({ } first, { } last) => $"sequences {first} to {last}",
        ({ }, null) => After == 0 ? "the first records" : $"the records after sequence {After}",
        _ => $"no sequence (between {After} and {Before})",
    };
}

/// <summary>A whole history record (its checksum holds) of a schema newer than this code reads: where it is, and its version.</summary>
public sealed record NewerHistoryRecord(long Offset, int SchemaVersion);
