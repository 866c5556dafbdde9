using BuildState.IO;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>The schema versions of the store's files, and what changed between them.</summary>
public static class StoreSchema
{
    /// <summary>
    /// The version this code writes. Version 1 was the prototype layout (the Python framework
    /// design this product started from: upper-case phase names, a bare list of artifact paths,
    /// a single <c>timestamp</c>); version 2 is the first release layout. See <see cref="Migrations"/>.
    /// </summary>
    public const int Current = 2;

    /// <summary>The oldest version <see cref="Migrations"/> can upgrade.</summary>
    public const int OldestSupported = 1;
}

/// <summary><c>index.json</c>: a cache of <c>active/</c>, one entry per build. Never trusted blindly.</summary>
public sealed class IndexFile
{
    public int SchemaVersion { get; set; } = StoreSchema.Current;

    public DateTimeOffset UpdatedAt { get; set; }

    public List<IndexEntry> Builds { get; set; } = [];
}

/// <summary>
/// One line of <c>index.journal</c>: a change to the index since <c>index.json</c> was written
/// (<see cref="Entry"/> null: the build left active/). Commits append a line instead of rewriting
/// the whole index; the journal is folded into index.json when it outgrows it.
/// </summary>
public sealed class IndexJournalRecord
{
    public string Key { get; set; } = "";

    public IndexEntry? Entry { get; set; }
}

/// <summary>One build in the index.</summary>
public sealed class IndexEntry
{
    public string Id { get; set; } = "";

    public string Key { get; set; } = "";

    public string Lifecycle { get; set; } = "Default";

    public string Phase { get; set; } = "";

    public RunStatus Status { get; set; }

    public string? RunId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Sequence { get; set; }

    /// <summary>
    /// The build's history log when indexed (<see cref="LogStamp"/>): the file's length and identity
    /// and the end of its last record. Every commit writes a record at that end, so an entry is stale
    /// once anything but zeros starts there (or the file is another, or of another length).
    /// (Entries written before these fields carried the log's length and write time, or the state
    /// file's; their end reads as 0, and they are simply refreshed.)
    /// </summary>
    public long LogLength { get; set; }

    public long LogId { get; set; }

    public long LogEnd { get; set; }

    /// <summary>The stamp this entry was made at; null for an entry without one (written before it, or for a log that was missing).</summary>
    internal LogStamp? LogStamp => LogEnd > 0 ? new LogStamp(LogLength, LogId, LogEnd) : null;

    public static IndexEntry From(BuildRecord record, string key, LogStamp? stamp) => new()
    {
        Id = record.Id,
        Key = key,
        Lifecycle = record.Lifecycle,
        Phase = record.Phase,
        Status = record.Status,
        RunId = record.RunId,
        UpdatedAt = record.UpdatedAt,
        Sequence = record.Sequence,
        LogLength = stamp?.Length ?? -1,
        LogId = stamp?.Identity ?? -1,
        LogEnd = stamp?.End ?? -1,
    };
}

/// <summary>One record of a build's append-only history: what happened, and the state after it.</summary>
public sealed class HistoryEntry
{
    public int SchemaVersion { get; set; } = StoreSchema.Current;

    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What happened: see <see cref="HistoryKinds"/>.</summary>
    public string Kind { get; set; } = "";

    public string? RunId { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public string? Message { get; set; }

    /// <summary>The whole state after the change, so the current state can be rebuilt from history alone.</summary>
    public BuildRecord? State { get; set; }
}

/// <summary>The kinds of history records.</summary>
public static class HistoryKinds
{
    public const string RunStarted = "run-started";
    public const string Transition = "transition";
    public const string RunEnded = "run-ended";
    public const string RunInterrupted = "run-interrupted";
    public const string Artifacts = "artifacts";
    public const string Error = "error";
    public const string Checkpoint = "checkpoint";
    public const string Restore = "restore";
    public const string Recovered = "recovered";
    public const string Update = "update";
}

/// <summary>A checkpoint file: a snapshot of the state plus the artifact manifest.</summary>
public sealed class CheckpointFile
{
    public int SchemaVersion { get; set; } = StoreSchema.Current;

    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string BuildId { get; set; } = "";

    public string Phase { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public bool Automatic { get; set; }

    /// <summary>True when every artifact's content was copied into the checkpoint's blob store.</summary>
    public bool HasArtifactCopies { get; set; }

    public List<ArtifactRecord> Artifacts { get; set; } = [];

    public BuildRecord State { get; set; } = new();
}

/// <summary>What a lock file holds while held: its owner, for diagnostics and stale-lock detection.</summary>
public sealed class LockOwnerFile
{
    public OwnerInfo Owner { get; set; } = new();

    public DateTimeOffset AcquiredAt { get; set; }

    public string? Purpose { get; set; }
}
