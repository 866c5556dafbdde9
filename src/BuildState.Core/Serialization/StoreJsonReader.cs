using System.Text.Json;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Serialization;

/// <summary>
/// Reads the store's files with <see cref="CanonicalJsonReader"/> (no generic converter code over
/// our types, and none of System.Text.Json's vectorized scanning, to JIT-compile in every MSBuild
/// node). It only takes the shape the store writes: every property known and given once, no nulls,
/// each value of its exact JSON type, the enum by its name, nothing after the root object. Anything
/// else (a damaged file, an older or hand-made one) throws <see cref="NotCanonicalException"/> and
/// <see cref="StoreJson"/> reads the bytes again with System.Text.Json, so what is accepted, what it
/// yields and every error stay exactly theirs. The serializer's depth limit applies here too.
/// </summary>
internal static class StoreJsonReader
{
    public delegate T ReadObject<out T>(ref CanonicalJsonReader reader);

    /// <summary>The whole input as one object of the store's shape, or <see cref="NotCanonicalException"/>.</summary>
    public static T Read<T>(ReadOnlySpan<byte> utf8, ReadObject<T> read)
    {
        var reader = new CanonicalJsonReader(utf8, StoreLimits.MaxJsonDepth);
        Next(ref reader);
        var value = read(ref reader);
        if (reader.Read())
        {
            throw new NotCanonicalException(); // more after the root: the serializer's error, not ours
        }

        return value;
    }

    public static BuildRecord BuildRecord(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new BuildRecord();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "schemaVersion"u8, ref seen, 0)) v.SchemaVersion = Int32(ref r);
            else if (Is(ref r, "id"u8, ref seen, 1)) v.Id = String(ref r);
            else if (Is(ref r, "lifecycle"u8, ref seen, 2)) v.Lifecycle = String(ref r);
            else if (Is(ref r, "phase"u8, ref seen, 3)) v.Phase = String(ref r);
            else if (Is(ref r, "status"u8, ref seen, 4)) v.Status = Status(ref r);
            else if (Is(ref r, "runId"u8, ref seen, 5)) v.RunId = String(ref r);
            else if (Is(ref r, "sequence"u8, ref seen, 6)) v.Sequence = Int64(ref r);
            else if (Is(ref r, "createdAt"u8, ref seen, 7)) v.CreatedAt = Date(ref r);
            else if (Is(ref r, "updatedAt"u8, ref seen, 8)) v.UpdatedAt = Date(ref r);
            else if (Is(ref r, "run"u8, ref seen, 9)) v.Run = Object(ref r, RunInfo);
            else if (Is(ref r, "transitions"u8, ref seen, 10)) v.Transitions = List(ref r, TransitionRecord);
            else if (Is(ref r, "artifacts"u8, ref seen, 11)) v.Artifacts = List(ref r, ArtifactRecord);
            else if (Is(ref r, "dependencies"u8, ref seen, 12)) v.Dependencies = List(ref r, StringItem);
            else if (Is(ref r, "checkpoints"u8, ref seen, 13)) v.Checkpoints = List(ref r, CheckpointRef);
            else if (Is(ref r, "errors"u8, ref seen, 14)) v.Errors = List(ref r, ErrorRecord);
            else if (Is(ref r, "resources"u8, ref seen, 15)) v.Resources = Object(ref r, ResourceInfo);
            else if (Is(ref r, "metadata"u8, ref seen, 16)) v.Metadata = StringMap(ref r);
            else if (Is(ref r, "historyBytes"u8, ref seen, 17)) v.HistoryBytes = Int64(ref r);
            else if (Is(ref r, "tests"u8, ref seen, 18)) v.Tests = Object(ref r, TestResults);
            else if (Is(ref r, "earlierTransitions"u8, ref seen, 19)) v.EarlierTransitions = Int64(ref r);
            else if (Is(ref r, "crc32"u8, ref seen, 20)) _ = String(ref r); // a state file's checksum (StoreJson.SerializeStateFile), checked before parsing
            else throw new NotCanonicalException();
        }

        return v;
    }

    public static HistoryEntry HistoryEntry(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new HistoryEntry();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "schemaVersion"u8, ref seen, 0)) v.SchemaVersion = Int32(ref r);
            else if (Is(ref r, "sequence"u8, ref seen, 1)) v.Sequence = Int64(ref r);
            else if (Is(ref r, "at"u8, ref seen, 2)) v.At = Date(ref r);
            else if (Is(ref r, "kind"u8, ref seen, 3)) v.Kind = String(ref r);
            else if (Is(ref r, "runId"u8, ref seen, 4)) v.RunId = String(ref r);
            else if (Is(ref r, "from"u8, ref seen, 5)) v.From = String(ref r);
            else if (Is(ref r, "to"u8, ref seen, 6)) v.To = String(ref r);
            else if (Is(ref r, "message"u8, ref seen, 7)) v.Message = String(ref r);
            else if (Is(ref r, "state"u8, ref seen, 8)) v.State = Object(ref r, BuildRecord);
            else throw new NotCanonicalException();
        }

        return v;
    }

    public static IndexFile IndexFile(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new IndexFile();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "schemaVersion"u8, ref seen, 0)) v.SchemaVersion = Int32(ref r);
            else if (Is(ref r, "updatedAt"u8, ref seen, 1)) v.UpdatedAt = Date(ref r);
            else if (Is(ref r, "builds"u8, ref seen, 2)) v.Builds = List(ref r, IndexEntry);
            else throw new NotCanonicalException();
        }

        return v;
    }

    public static IndexJournalRecord IndexJournalRecord(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new IndexJournalRecord();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "key"u8, ref seen, 0)) v.Key = String(ref r);
            else if (Is(ref r, "entry"u8, ref seen, 1)) v.Entry = Object(ref r, IndexEntry);
            else throw new NotCanonicalException();
        }

        return v;
    }

    public static CheckpointFile CheckpointFile(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new CheckpointFile();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "schemaVersion"u8, ref seen, 0)) v.SchemaVersion = Int32(ref r);
            else if (Is(ref r, "id"u8, ref seen, 1)) v.Id = String(ref r);
            else if (Is(ref r, "name"u8, ref seen, 2)) v.Name = String(ref r);
            else if (Is(ref r, "buildId"u8, ref seen, 3)) v.BuildId = String(ref r);
            else if (Is(ref r, "phase"u8, ref seen, 4)) v.Phase = String(ref r);
            else if (Is(ref r, "createdAt"u8, ref seen, 5)) v.CreatedAt = Date(ref r);
            else if (Is(ref r, "automatic"u8, ref seen, 6)) v.Automatic = Bool(ref r);
            else if (Is(ref r, "hasArtifactCopies"u8, ref seen, 7)) v.HasArtifactCopies = Bool(ref r);
            else if (Is(ref r, "artifacts"u8, ref seen, 8)) v.Artifacts = List(ref r, ArtifactRecord);
            else if (Is(ref r, "state"u8, ref seen, 9)) v.State = Object(ref r, BuildRecord);
            else throw new NotCanonicalException();
        }

        return v;
    }

    public static LockOwnerFile LockOwnerFile(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new LockOwnerFile();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "owner"u8, ref seen, 0)) v.Owner = Object(ref r, OwnerInfo);
            else if (Is(ref r, "acquiredAt"u8, ref seen, 1)) v.AcquiredAt = Date(ref r);
            else if (Is(ref r, "purpose"u8, ref seen, 2)) v.Purpose = String(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static IndexEntry IndexEntry(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new IndexEntry();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "id"u8, ref seen, 0)) v.Id = String(ref r);
            else if (Is(ref r, "key"u8, ref seen, 1)) v.Key = String(ref r);
            else if (Is(ref r, "lifecycle"u8, ref seen, 2)) v.Lifecycle = String(ref r);
            else if (Is(ref r, "phase"u8, ref seen, 3)) v.Phase = String(ref r);
            else if (Is(ref r, "status"u8, ref seen, 4)) v.Status = Status(ref r);
            else if (Is(ref r, "runId"u8, ref seen, 5)) v.RunId = String(ref r);
            else if (Is(ref r, "updatedAt"u8, ref seen, 6)) v.UpdatedAt = Date(ref r);
            else if (Is(ref r, "sequence"u8, ref seen, 7)) v.Sequence = Int64(ref r);
            else if (Is(ref r, "logLength"u8, ref seen, 8)) v.LogLength = Int64(ref r);
            else if (Is(ref r, "logId"u8, ref seen, 9)) v.LogId = Int64(ref r);
            else if (Is(ref r, "logEnd"u8, ref seen, 10)) v.LogEnd = Int64(ref r);
            else if (Is(ref r, "logWriteTicks"u8, ref seen, 11)) Int64(ref r); // entries written before logId and logEnd: stale, read to refresh
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static RunInfo RunInfo(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new RunInfo();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "runId"u8, ref seen, 0)) v.RunId = String(ref r);
            else if (Is(ref r, "status"u8, ref seen, 1)) v.Status = Status(ref r);
            else if (Is(ref r, "startedAt"u8, ref seen, 2)) v.StartedAt = Date(ref r);
            else if (Is(ref r, "endedAt"u8, ref seen, 3)) v.EndedAt = Date(ref r);
            else if (Is(ref r, "owner"u8, ref seen, 4)) v.Owner = Object(ref r, OwnerInfo);
            else if (Is(ref r, "reason"u8, ref seen, 5)) v.Reason = String(ref r);
            else if (Is(ref r, "instances"u8, ref seen, 6)) v.Instances = Int32(ref r);
            else if (Is(ref r, "instancesEnded"u8, ref seen, 7)) v.InstancesEnded = Int32(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    /// <summary>
    /// OwnerInfo has init-only properties, which the serializer sets through a constructor
    /// delegate; whether a missing host then keeps its initializer is its business, so a host is
    /// required here (the store always writes one).
    /// </summary>
    private static OwnerInfo OwnerInfo(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        int processId = 0;
        string? host = null;
        DateTimeOffset? started = null;
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "processId"u8, ref seen, 0)) processId = Int32(ref r);
            else if (Is(ref r, "host"u8, ref seen, 1)) host = String(ref r);
            else if (Is(ref r, "processStartedAt"u8, ref seen, 2)) started = Date(ref r);
            else throw new NotCanonicalException();
        }

        return new OwnerInfo { ProcessId = processId, Host = host ?? throw new NotCanonicalException(), ProcessStartedAt = started };
    }

    private static TransitionRecord TransitionRecord(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new TransitionRecord();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "from"u8, ref seen, 0)) v.From = String(ref r);
            else if (Is(ref r, "to"u8, ref seen, 1)) v.To = String(ref r);
            else if (Is(ref r, "at"u8, ref seen, 2)) v.At = Date(ref r);
            else if (Is(ref r, "durationMs"u8, ref seen, 3)) v.DurationMs = Double(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static ArtifactRecord ArtifactRecord(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new ArtifactRecord();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "path"u8, ref seen, 0)) v.Path = String(ref r);
            else if (Is(ref r, "size"u8, ref seen, 1)) v.Size = Int64(ref r);
            else if (Is(ref r, "sha256"u8, ref seen, 2)) v.Sha256 = String(ref r);
            else if (Is(ref r, "lastWriteUtc"u8, ref seen, 3)) v.LastWriteUtc = Date(ref r);
            else if (Is(ref r, "changedUtc"u8, ref seen, 6)) v.ChangedUtc = Date(ref r);
            else if (Is(ref r, "kind"u8, ref seen, 4)) v.Kind = String(ref r);
            else if (Is(ref r, "mode"u8, ref seen, 5)) v.Mode = String(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static CheckpointRef CheckpointRef(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new CheckpointRef();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "id"u8, ref seen, 0)) v.Id = String(ref r);
            else if (Is(ref r, "name"u8, ref seen, 1)) v.Name = String(ref r);
            else if (Is(ref r, "phase"u8, ref seen, 2)) v.Phase = String(ref r);
            else if (Is(ref r, "createdAt"u8, ref seen, 3)) v.CreatedAt = Date(ref r);
            else if (Is(ref r, "hasArtifactCopies"u8, ref seen, 4)) v.HasArtifactCopies = Bool(ref r);
            else if (Is(ref r, "automatic"u8, ref seen, 5)) v.Automatic = Bool(ref r);
            else if (Is(ref r, "artifactsSha256"u8, ref seen, 6)) v.ArtifactsSha256 = String(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static ErrorRecord ErrorRecord(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new ErrorRecord();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "at"u8, ref seen, 0)) v.At = Date(ref r);
            else if (Is(ref r, "phase"u8, ref seen, 1)) v.Phase = String(ref r);
            else if (Is(ref r, "code"u8, ref seen, 2)) v.Code = String(ref r);
            else if (Is(ref r, "message"u8, ref seen, 3)) v.Message = String(ref r);
            else if (Is(ref r, "target"u8, ref seen, 4)) v.Target = String(ref r);
            else if (Is(ref r, "file"u8, ref seen, 5)) v.File = String(ref r);
            else if (Is(ref r, "line"u8, ref seen, 6)) v.Line = Int32(ref r);
            else if (Is(ref r, "column"u8, ref seen, 7)) v.Column = Int32(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static TestResults TestResults(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new TestResults();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "total"u8, ref seen, 0)) v.Total = Int32(ref r);
            else if (Is(ref r, "passed"u8, ref seen, 1)) v.Passed = Int32(ref r);
            else if (Is(ref r, "failed"u8, ref seen, 2)) v.Failed = Int32(ref r);
            else if (Is(ref r, "skipped"u8, ref seen, 3)) v.Skipped = Int32(ref r);
            else if (Is(ref r, "source"u8, ref seen, 4)) v.Source = String(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    private static ResourceInfo ResourceInfo(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var v = new ResourceInfo();
        var seen = new Seen();
        while (NextProperty(ref r))
        {
            if (Is(ref r, "machine"u8, ref seen, 0)) v.Machine = String(ref r);
            else if (Is(ref r, "processId"u8, ref seen, 1)) v.ProcessId = Int32(ref r);
            else if (Is(ref r, "nodeId"u8, ref seen, 2)) v.NodeId = Int32(ref r);
            else if (Is(ref r, "phaseDurationsMs"u8, ref seen, 3)) v.PhaseDurationsMs = PhaseDurationsMap(ref r);
            else throw new NotCanonicalException();
        }

        return v;
    }

    // --- Values. Each reads the property's value token and takes only its exact JSON type. ---

    /// <summary>An object value: its reader starts on the object's start and ends on its end.</summary>
    internal static T Object<T>(ref CanonicalJsonReader r, ReadObject<T> read)
    {
        Next(ref r);
        return read(ref r);
    }

    internal static List<T> List<T>(ref CanonicalJsonReader r, ReadObject<T> item)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<T>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            list.Add(item(ref r));
        }
    }

    /// <summary>A list item that is a string (the reader already stands on it).</summary>
    private static string StringItem(ref CanonicalJsonReader r)
    {
        Expect(ref r, JsonTokenType.String);
        return r.GetString()!;
    }

    /// <summary>
    /// The serializer fills a new dictionary (default comparer) and lets a repeated key win; a
    /// repeated key is left to it.
    /// </summary>
    private static Dictionary<string, string> StringMap(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.StartObject);
        var map = new Dictionary<string, string>();
        while (NextProperty(ref r))
        {
            var key = r.GetString()!;
            if (!map.TryAdd(key, String(ref r)))
            {
                throw new NotCanonicalException();
            }
        }

        return map;
    }

    private static PhaseDurations PhaseDurationsMap(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.StartObject);
        var map = new PhaseDurations();
        while (NextProperty(ref r))
        {
            var key = r.GetString()!;
            if (!map.TryAdd(key, Double(ref r)))
            {
                throw new NotCanonicalException();
            }
        }

        return map;
    }

    internal static string String(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.String);
        return r.GetString()!;
    }

    internal static int Int32(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.Number);
        return r.TryGetInt32(out var value) ? value : throw new NotCanonicalException();
    }

    private static long Int64(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.Number);
        return r.TryGetInt64(out var value) ? value : throw new NotCanonicalException();
    }

    private static double Double(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.Number);
        return r.TryGetDouble(out var value) ? value : throw new NotCanonicalException();
    }

    internal static bool Bool(ref CanonicalJsonReader r)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new NotCanonicalException(),
        };
    }

    internal static DateTimeOffset Date(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.String);
        return r.TryGetDateTimeOffset(out var value) ? value : throw new NotCanonicalException();
    }

    /// <summary>The names the store writes; the converter's other spellings (any case, numbers) are left to it.</summary>
    private static RunStatus Status(ref CanonicalJsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.String);
        if (r.ValueTextEquals("Running"u8)) return RunStatus.Running;
        if (r.ValueTextEquals("Succeeded"u8)) return RunStatus.Succeeded;
        if (r.ValueTextEquals("Failed"u8)) return RunStatus.Failed;
        if (r.ValueTextEquals("Interrupted"u8)) return RunStatus.Interrupted;
        throw new NotCanonicalException();
    }

    // --- Structure. ---

    internal static void Next(ref CanonicalJsonReader r)
    {
        if (!r.Read())
        {
            throw new NotCanonicalException();
        }
    }

    internal static void Expect(ref CanonicalJsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
        {
            throw new NotCanonicalException();
        }
    }

    /// <summary>After an object's start or a property's value: moves to the next property name (true) or the object's end (false).</summary>
    internal static bool NextProperty(ref CanonicalJsonReader r)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new NotCanonicalException(),
        };
    }

    /// <summary>True when the current property is <paramref name="name"/>; a second occurrence is left to the serializer.</summary>
    internal static bool Is(ref CanonicalJsonReader r, ReadOnlySpan<byte> name, ref Seen seen, int bit)
    {
        if (!r.ValueTextEquals(name))
        {
            return false;
        }

        seen.Mark(bit);
        return true;
    }

    /// <summary>The properties an object has given so far, to refuse a repeated one.</summary>
    internal struct Seen
    {
        private uint _bits;

        public void Mark(int bit)
        {
            var mask = 1u << bit;
            if ((_bits & mask) != 0)
            {
                throw new NotCanonicalException();
            }

            _bits |= mask;
        }
    }
}

/// <summary>The input (or value) is not of the shape the hand-written code handles; System.Text.Json takes it.</summary>
internal sealed class NotCanonicalException : Exception
{
}
