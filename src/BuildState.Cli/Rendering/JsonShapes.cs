using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Rendering;

/// <summary>
/// The --json shapes of DESIGN.md and docs/cli.md (names fixed: fields may be added, never renamed
/// or removed). Each is a record serialized by source-generated code (<see cref="CliJsonContext"/>):
/// camelCase names in declaration order, enums as their names, nulls written.
/// </summary>
internal static class JsonShapes
{
    /// <summary>An index entry (status, list); <paramref name="ownerGone"/>: see <see cref="OwnerGoneRuns"/>.</summary>
    public static EntryJson Entry(IndexEntry e, bool ownerGone) => new(e.Id, e.Phase, e.Status.ToString(), e.RunId, e.UpdatedAt, e.Lifecycle, e.Sequence, ownerGone);

    public static BuildJson Build(BuildRecord r) => new(
        r.Id,
        r.Phase,
        r.Status,
        r.RunId,
        r.Lifecycle,
        r.Sequence,
        r.CreatedAt,
        r.UpdatedAt,
        r.Run is null ? null : new RunJson(
            r.Run.RunId,
            r.Run.Status,
            r.Run.StartedAt,
            r.Run.EndedAt,
            r.Run.EndedAt is { } end ? (end - r.Run.StartedAt).TotalMilliseconds : null,
            r.Run.Reason,
            r.Run.Owner is null ? null : new OwnerJson(r.Run.Owner.ProcessId, r.Run.Owner.Host),
            r.Run.Instances,
            r.Run.InstancesEnded,
            RunFollower.OwnerGone(r)),
        r.Transitions.Select(t => new TransitionJson(t.From, t.To, t.At, t.DurationMs)),
        r.Artifacts.Select(Artifact),
        r.Checkpoints.Select(Checkpoint),
        r.Errors.Select(Error),
        r.Dependencies,
        new ResourcesJson(r.Resources.Machine, r.Resources.ProcessId, r.Resources.NodeId, r.Resources.PhaseDurationsMs.ToDictionary(StringComparer.Ordinal)),
        r.Metadata,
        r.Tests is null ? null : new TestsJson(r.Tests.Total, r.Tests.Passed, r.Tests.Failed, r.Tests.Skipped, r.Tests.Source),
        r.EarlierTransitions);

    public static ArtifactJson Artifact(ArtifactRecord a) => new(a.Path, a.Size, a.Sha256, a.Kind, a.LastWriteUtc, a.ChangedUtc);

    public static CheckpointJson Checkpoint(CheckpointRef c) => new(c.Id, c.Phase, c.CreatedAt, c.Name, c.HasArtifactCopies, c.Automatic);

    public static ErrorJson Error(ErrorRecord e) => new(e.At, e.Phase, e.Code, e.Message, e.Target, e.File, e.Line, e.Column);
}

/// <summary>
/// One entry of <c>status --json</c> and <c>list --json</c>. <c>ownerGone</c>: stored as Running,
/// but the process that owns the run is gone (<see cref="OwnerGoneRuns"/>).
/// </summary>
internal sealed record EntryJson(string Id, string Phase, string Status, string? RunId, DateTimeOffset UpdatedAt, string Lifecycle, long Sequence, bool OwnerGone);

/// <summary><c>status --json</c>.</summary>
internal sealed record StatusJson(string Root, IReadOnlyList<EntryJson> Builds, IReadOnlyList<UnreadableJson> Unreadable);

/// <summary>
/// A build that could not be read (<c>status</c>, <c>list</c>, <c>report</c>, <c>graph --deps</c>): <c>id</c> is the
/// id the index last had for it (null when none), <c>key</c> its folder under active/, <c>kind</c> the error kind.
/// </summary>
internal sealed record UnreadableJson(string? Id, string Key, string File, string Kind, string Message);

/// <summary><c>list --json</c>.</summary>
internal sealed record BuildsJson(IReadOnlyList<EntryJson> Builds, IReadOnlyList<UnreadableJson> Unreadable);

/// <summary>One entry of <c>list --archived --json</c>.</summary>
internal sealed record ArchivedEntryJson(string Id, string Phase, RunStatus Status, DateTimeOffset UpdatedAt, bool Archived, string Directory, string? Problem);

/// <summary><c>list --archived --json</c>.</summary>
internal sealed record ArchivedBuildsJson(IEnumerable<ArchivedEntryJson> Builds);

/// <summary><c>show --json</c>.</summary>
internal sealed record BuildJson(
    string Id,
    string Phase,
    RunStatus Status,
    string? RunId,
    string Lifecycle,
    long Sequence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    RunJson? Run,
    IEnumerable<TransitionJson> Transitions,
    IEnumerable<ArtifactJson> Artifacts,
    IEnumerable<CheckpointJson> Checkpoints,
    IEnumerable<ErrorJson> Errors,
    List<string> Dependencies,
    ResourcesJson Resources,
    Dictionary<string, string> Metadata,
    TestsJson? Tests,
    long? EarlierTransitions);

internal sealed record RunJson(string RunId, RunStatus Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationMs, string? Reason, OwnerJson? Owner, int? Instances, int? InstancesEnded, bool OwnerGone);

internal sealed record OwnerJson(int ProcessId, string Host);

internal sealed record TransitionJson(string From, string To, DateTimeOffset At, double DurationMs);

internal sealed record ArtifactJson(string Path, long Size, string Sha256, string? Kind, DateTimeOffset LastWriteUtc, DateTimeOffset? ChangedUtc);

internal sealed record CheckpointJson(string Id, string Phase, DateTimeOffset CreatedAt, string? Name, bool HasArtifactCopies, bool Automatic);

internal sealed record ErrorJson(DateTimeOffset At, string Phase, string? Code, string Message, string? Target, string? File, int? Line, int? Column);

/// <summary>The latest run's test counts (null when it ran no tests or they were not reported).</summary>
internal sealed record TestsJson(int Total, int Passed, int Failed, int Skipped, string? Source);

internal sealed record ResourcesJson(string? Machine, int? ProcessId, int? NodeId, Dictionary<string, double> PhaseDurationsMs);

/// <summary><c>history --json</c>.</summary>
internal sealed record HistoryJson(string Id, IEnumerable<HistoryRecordJson> History, IEnumerable<SkippedHistoryJson> Skipped);

/// <summary>A part of the log <c>history</c> could not read: where, the sequences it held (null when unknown), what is wrong, and whether it is only an unfinished last append.</summary>
internal sealed record SkippedHistoryJson(long Offset, long Length, long? FirstSequence, long? LastSequence, string Problem, bool InProgress);

internal sealed record HistoryRecordJson(long Sequence, DateTimeOffset At, string Kind, string? RunId, string? From, string? To, string? Message, string? Phase, RunStatus? Status);

/// <summary><c>checkpoints --json</c>.</summary>
internal sealed record CheckpointsJson(string Id, IEnumerable<CheckpointDetailJson> Checkpoints);

internal sealed record CheckpointDetailJson(string Id, string Phase, DateTimeOffset CreatedAt, string? Name, bool HasArtifactCopies, bool Automatic, bool Readable, IEnumerable<ArtifactJson> Artifacts);

/// <summary><c>checkpoint --json</c>: the artifacts held otherwise than the build recorded them, as <see cref="BuildState.Store.ArtifactDrift"/>.</summary>
internal sealed record CheckpointCreatedJson(string BuildId, CheckpointJson Checkpoint, IReadOnlyList<string> ChangedSinceRecorded, IReadOnlyList<string> Missing);

/// <summary><c>restore --json</c>.</summary>
internal sealed record RestoredJson(string Id, string Checkpoint, string Phase, List<string> Restored, List<string> Unchanged, List<string> Kept, List<string> Dropped, List<NotRestoredJson> NotRestored);

internal sealed record NotRestoredJson(string Path, string Copy);

/// <summary><c>validate --json</c>.</summary>
internal sealed record ValidateJson(bool Valid, int BuildsChecked, int FilesChecked, long BytesChecked, double ElapsedMs, double FilesPerSecond, double BytesPerSecond, IEnumerable<ProblemJson> Problems, IEnumerable<WarningJson> Warnings, int ExitCode);

internal sealed record ProblemJson(StoreErrorKind Kind, string File, string Message, string? BuildId);

/// <summary>A lifecycle table's warning (not a problem: it changes neither <c>valid</c> nor the exit code).</summary>
internal sealed record WarningJson(string File, string Message);

/// <summary><c>verify --json</c>; <see cref="Restore"/> is null when every file matches.</summary>
internal sealed record VerifyJson(string Id, bool Ok, IEnumerable<VerifiedArtifactJson> Artifacts, VerifyRestoreJson? Restore);

/// <summary>
/// What brings the missing or changed files back, as the text output says it: the checkpoint whose
/// <c>restore --artifacts</c> puts back <see cref="Files"/> (null when none holds any), whether that
/// restore rolls the build back to an earlier run, the files no restore puts back (rebuild, pack or
/// publish again), and those outside the repository with the stored copy to copy back by hand.
/// </summary>
internal sealed record VerifyRestoreJson(
    string? Checkpoint,
    bool RollsBack,
    bool AnyCheckpointHasCopies,
    IEnumerable<string> Files,
    IEnumerable<string> NotHeld,
    IEnumerable<OutsideCopyJson> Outside);

internal sealed record OutsideCopyJson(string Path, string Blob);

internal sealed record VerifiedArtifactJson(string Path, long Size, string Sha256, string Status, string? ActualSha256);

/// <summary><c>recover --json</c>.</summary>
internal sealed record RecoverJson(List<string> Repaired, List<string> Interrupted, List<string> Unrecoverable, List<string> Lost, int TempFilesRemoved, bool IndexRebuilt, List<string> Skipped, int ExitCode);

/// <summary><c>archive --json</c>: <c>dependents</c> are the active builds that depend on what was archived.</summary>
internal sealed record ArchivedJson(IReadOnlyList<string> Archived, IEnumerable<DependentJson> Dependents);

/// <summary>An active build and those of its dependencies that were archived.</summary>
internal sealed record DependentJson(string Id, IReadOnlyList<string> DependsOn);

/// <summary><c>prune --json</c>.</summary>
internal sealed record PrunedJson(IEnumerable<PrunedBuildJson> Pruned);

internal sealed record PrunedBuildJson(string Id, string Directory, DateTimeOffset UpdatedAt);

/// <summary><c>migrate --json</c>.</summary>
internal sealed record MigratedJson(IReadOnlyList<string> Migrated, IEnumerable<LeftFileJson> Newer, IEnumerable<LeftFileJson> Damaged, int ExitCode);

/// <summary>A file <c>migrate</c> left as it is: a newer BuildState wrote it, or it is too damaged to read.</summary>
internal sealed record LeftFileJson(string File, string Message);

/// <summary><c>report --json</c>.</summary>
internal sealed record ReportJson(string Path, int Builds, IEnumerable<string> Runs, int Bytes, IReadOnlyList<UnreadableJson> Unreadable);

/// <summary><c>graph --json</c>.</summary>
internal sealed record GraphJson(string Subject, string Format, string Graph, IReadOnlyList<UnreadableJson> Unreadable);

/// <summary>One line of <c>watch --json</c>.</summary>
internal sealed record WatchEventJson(string Event, string? Id, string? RunId, DateTimeOffset At, string? Phase, string? From, string? To, RunStatus? Status, double? DurationMs, int? Builds, string? Message);
