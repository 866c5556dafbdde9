using System.Buffers;
using System.Text.Json;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Serialization;

/// <summary>
/// Writes the store's files with a plain <see cref="Utf8JsonWriter"/>: byte for byte what
/// System.Text.Json's source-generated metadata (<see cref="StoreJsonFallback"/>) writes with the
/// store's options (camelCase names in declaration order, null properties left out, RunStatus as
/// its name), without the generic converter code over our types that every MSBuild node would
/// otherwise JIT-compile on its first commit. Property tests hold the two to the same bytes, and a
/// test fails when a model type gains a property this file does not write.
/// </summary>
internal static class StoreJsonWriter
{
    public static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, Options(indented)))
        {
            write(writer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // What JsonSerializerOptions hands its writer (the default escaping, the platform's new line),
    // with that escaping done by StoreJsonEncoder: the same bytes without the default encoder's set-up.
    private static JsonWriterOptions Options(bool indented) =>
        new() { Indented = indented, MaxDepth = StoreLimits.MaxJsonDepth, SkipValidation = true, Encoder = StoreJsonEncoder.Instance };

    public static void BuildRecord(Utf8JsonWriter w, BuildRecord? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, v.SchemaVersion);
        String(w, "id"u8, v.Id);
        String(w, "lifecycle"u8, v.Lifecycle);
        String(w, "phase"u8, v.Phase);
        w.WriteString("status"u8, Status(v.Status));
        String(w, "runId"u8, v.RunId);
        w.WriteNumber("sequence"u8, v.Sequence);
        w.WriteString("createdAt"u8, v.CreatedAt);
        w.WriteString("updatedAt"u8, v.UpdatedAt);
        if (v.Run is not null)
        {
            w.WritePropertyName("run"u8);
            RunInfo(w, v.Run);
        }

        List(w, "transitions"u8, v.Transitions, TransitionRecord);
        if (v.EarlierTransitions is { } earlier)
        {
            w.WriteNumber("earlierTransitions"u8, earlier);
        }

        List(w, "artifacts"u8, v.Artifacts, ArtifactRecord);
        List(w, "dependencies"u8, v.Dependencies, StringValue);
        List(w, "checkpoints"u8, v.Checkpoints, CheckpointRef);
        List(w, "errors"u8, v.Errors, ErrorRecord);
        if (v.Resources is not null)
        {
            w.WritePropertyName("resources"u8);
            ResourceInfo(w, v.Resources);
        }

        if (v.Metadata is not null)
        {
            w.WritePropertyName("metadata"u8);
            w.WriteStartObject();
            foreach (var (key, value) in v.Metadata)
            {
                w.WritePropertyName(key);
                StringValue(w, value);
            }

            w.WriteEndObject();
        }

        if (v.Tests is not null)
        {
            w.WritePropertyName("tests"u8);
            TestResults(w, v.Tests);
        }

        w.WriteNumber("historyBytes"u8, v.HistoryBytes);
        w.WriteEndObject();
    }

    public static void HistoryEntry(Utf8JsonWriter w, HistoryEntry? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, v.SchemaVersion);
        w.WriteNumber("sequence"u8, v.Sequence);
        w.WriteString("at"u8, v.At);
        String(w, "kind"u8, v.Kind);
        String(w, "runId"u8, v.RunId);
        String(w, "from"u8, v.From);
        String(w, "to"u8, v.To);
        String(w, "message"u8, v.Message);
        if (v.State is not null)
        {
            w.WritePropertyName("state"u8);
            BuildRecord(w, v.State);
        }

        w.WriteEndObject();
    }

    public static void IndexFile(Utf8JsonWriter w, IndexFile? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, v.SchemaVersion);
        w.WriteString("updatedAt"u8, v.UpdatedAt);
        List(w, "builds"u8, v.Builds, IndexEntry);
        w.WriteEndObject();
    }

    public static void IndexJournalRecord(Utf8JsonWriter w, IndexJournalRecord? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        String(w, "key"u8, v.Key);
        if (v.Entry is not null)
        {
            w.WritePropertyName("entry"u8);
            IndexEntry(w, v.Entry);
        }

        w.WriteEndObject();
    }

    public static void CheckpointFile(Utf8JsonWriter w, CheckpointFile? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, v.SchemaVersion);
        String(w, "id"u8, v.Id);
        String(w, "name"u8, v.Name);
        String(w, "buildId"u8, v.BuildId);
        String(w, "phase"u8, v.Phase);
        w.WriteString("createdAt"u8, v.CreatedAt);
        w.WriteBoolean("automatic"u8, v.Automatic);
        w.WriteBoolean("hasArtifactCopies"u8, v.HasArtifactCopies);
        List(w, "artifacts"u8, v.Artifacts, ArtifactRecord);
        if (v.State is not null)
        {
            w.WritePropertyName("state"u8);
            BuildRecord(w, v.State);
        }

        w.WriteEndObject();
    }

    public static void LockOwnerFile(Utf8JsonWriter w, LockOwnerFile? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        if (v.Owner is not null)
        {
            w.WritePropertyName("owner"u8);
            OwnerInfo(w, v.Owner);
        }

        w.WriteString("acquiredAt"u8, v.AcquiredAt);
        String(w, "purpose"u8, v.Purpose);
        w.WriteEndObject();
    }

    private static void IndexEntry(Utf8JsonWriter w, IndexEntry? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        String(w, "id"u8, v.Id);
        String(w, "key"u8, v.Key);
        String(w, "lifecycle"u8, v.Lifecycle);
        String(w, "phase"u8, v.Phase);
        w.WriteString("status"u8, Status(v.Status));
        String(w, "runId"u8, v.RunId);
        w.WriteString("updatedAt"u8, v.UpdatedAt);
        w.WriteNumber("sequence"u8, v.Sequence);
        w.WriteNumber("logLength"u8, v.LogLength);
        w.WriteNumber("logId"u8, v.LogId);
        w.WriteNumber("logEnd"u8, v.LogEnd);
        w.WriteEndObject();
    }

    private static void RunInfo(Utf8JsonWriter w, RunInfo v)
    {
        w.WriteStartObject();
        String(w, "runId"u8, v.RunId);
        w.WriteString("status"u8, Status(v.Status));
        w.WriteString("startedAt"u8, v.StartedAt);
        if (v.EndedAt is { } ended)
        {
            w.WriteString("endedAt"u8, ended);
        }

        if (v.Owner is not null)
        {
            w.WritePropertyName("owner"u8);
            OwnerInfo(w, v.Owner);
        }

        String(w, "reason"u8, v.Reason);
        if (v.Instances is { } instances)
        {
            w.WriteNumber("instances"u8, instances);
        }

        if (v.InstancesEnded is { } instancesEnded)
        {
            w.WriteNumber("instancesEnded"u8, instancesEnded);
        }

        w.WriteEndObject();
    }

    private static void OwnerInfo(Utf8JsonWriter w, OwnerInfo v)
    {
        w.WriteStartObject();
        w.WriteNumber("processId"u8, v.ProcessId);
        String(w, "host"u8, v.Host);
        if (v.ProcessStartedAt is { } started)
        {
            w.WriteString("processStartedAt"u8, started);
        }

        w.WriteEndObject();
    }

    private static void TransitionRecord(Utf8JsonWriter w, TransitionRecord? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        String(w, "from"u8, v.From);
        String(w, "to"u8, v.To);
        w.WriteString("at"u8, v.At);
        w.WriteNumber("durationMs"u8, v.DurationMs);
        w.WriteEndObject();
    }

    private static void ArtifactRecord(Utf8JsonWriter w, ArtifactRecord? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        String(w, "path"u8, v.Path);
        w.WriteNumber("size"u8, v.Size);
        String(w, "sha256"u8, v.Sha256);
        w.WriteString("lastWriteUtc"u8, v.LastWriteUtc);
        if (v.ChangedUtc is { } changed)
        {
            w.WriteString("changedUtc"u8, changed);
        }

        String(w, "kind"u8, v.Kind);
        String(w, "mode"u8, v.Mode);
        w.WriteEndObject();
    }

    private static void CheckpointRef(Utf8JsonWriter w, CheckpointRef? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        String(w, "id"u8, v.Id);
        String(w, "name"u8, v.Name);
        String(w, "phase"u8, v.Phase);
        w.WriteString("createdAt"u8, v.CreatedAt);
        w.WriteBoolean("hasArtifactCopies"u8, v.HasArtifactCopies);
        w.WriteBoolean("automatic"u8, v.Automatic);
        String(w, "artifactsSha256"u8, v.ArtifactsSha256);
        w.WriteEndObject();
    }

    private static void ErrorRecord(Utf8JsonWriter w, ErrorRecord? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("at"u8, v.At);
        String(w, "phase"u8, v.Phase);
        String(w, "code"u8, v.Code);
        String(w, "message"u8, v.Message);
        String(w, "target"u8, v.Target);
        String(w, "file"u8, v.File);
        if (v.Line is { } line)
        {
            w.WriteNumber("line"u8, line);
        }

        if (v.Column is { } column)
        {
            w.WriteNumber("column"u8, column);
        }

        w.WriteEndObject();
    }

    private static void TestResults(Utf8JsonWriter w, TestResults v)
    {
        w.WriteStartObject();
        w.WriteNumber("total"u8, v.Total);
        w.WriteNumber("passed"u8, v.Passed);
        w.WriteNumber("failed"u8, v.Failed);
        w.WriteNumber("skipped"u8, v.Skipped);
        String(w, "source"u8, v.Source);
        w.WriteEndObject();
    }

    private static void ResourceInfo(Utf8JsonWriter w, ResourceInfo v)
    {
        w.WriteStartObject();
        String(w, "machine"u8, v.Machine);
        if (v.ProcessId is { } processId)
        {
            w.WriteNumber("processId"u8, processId);
        }

        if (v.NodeId is { } nodeId)
        {
            w.WriteNumber("nodeId"u8, nodeId);
        }

        if (v.PhaseDurationsMs is not null)
        {
            w.WritePropertyName("phaseDurationsMs"u8);
            w.WriteStartObject();
            for (var i = 0; i < v.PhaseDurationsMs.Count; i++)
            {
                w.WriteNumber(v.PhaseDurationsMs.PhaseAt(i), v.PhaseDurationsMs.MillisecondsAt(i));
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>A list property: left out when null (like every null property), null items written as null.</summary>
    internal static void List<T>(Utf8JsonWriter w, ReadOnlySpan<byte> name, List<T>? items, Action<Utf8JsonWriter, T> item)
    {
        if (items is null)
        {
            return;
        }

        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var x in items)
        {
            item(w, x);
        }

        w.WriteEndArray();
    }

    internal static void String(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    internal static void StringValue(Utf8JsonWriter w, string? value)
    {
        if (value is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStringValue(value);
        }
    }

    /// <summary>JsonStringEnumConverter's output: the name; a value with no name is written as its number.</summary>
    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Running => "Running",
        RunStatus.Succeeded => "Succeeded",
        RunStatus.Failed => "Failed",
        RunStatus.Interrupted => "Interrupted",
        _ => throw new NotCanonicalException(),
    };
}
