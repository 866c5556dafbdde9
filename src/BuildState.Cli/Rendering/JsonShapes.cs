using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Rendering;

/// <summary>The --json shapes of DESIGN.md (names fixed: fields may be added, never renamed or removed).</summary>
internal static class JsonShapes
{
    /// <summary>An index entry (status, list): a named type, for source-generated serialization.</summary>
    public static EntryJson Entry(IndexEntry e) => new(e.Id, e.Phase, e.Status.ToString(), e.RunId, e.UpdatedAt, e.Lifecycle, e.Sequence);

    public static object Build(BuildRecord r) => new
    {
        id = r.Id,
        phase = r.Phase,
        status = r.Status,
        runId = r.RunId,
        lifecycle = r.Lifecycle,
        sequence = r.Sequence,
        createdAt = r.CreatedAt,
        updatedAt = r.UpdatedAt,
        run = r.Run is null ? null : new
        {
            runId = r.Run.RunId,
            status = r.Run.Status,
            startedAt = r.Run.StartedAt,
            endedAt = r.Run.EndedAt,
            durationMs = r.Run.EndedAt is { } end ? (end - r.Run.StartedAt).TotalMilliseconds : (double?)null,
            reason = r.Run.Reason,
            owner = r.Run.Owner is null ? null : new { processId = r.Run.Owner.ProcessId, host = r.Run.Owner.Host },
        },
        transitions = r.Transitions.Select(t => new { from = t.From, to = t.To, at = t.At, durationMs = t.DurationMs }),
        artifacts = r.Artifacts.Select(Artifact),
        checkpoints = r.Checkpoints.Select(Checkpoint),
        errors = r.Errors.Select(Error),
        dependencies = r.Dependencies,
        resources = new
        {
            machine = r.Resources.Machine,
            processId = r.Resources.ProcessId,
            nodeId = r.Resources.NodeId,
            phaseDurationsMs = r.Resources.PhaseDurationsMs,
        },
        metadata = r.Metadata,
    };

    public static object Artifact(ArtifactRecord a) => new
    {
        path = a.Path,
        size = a.Size,
        sha256 = a.Sha256,
        kind = a.Kind,
        lastWriteUtc = a.LastWriteUtc,
    };

    public static object Checkpoint(CheckpointRef c) => new
    {
        id = c.Id,
        phase = c.Phase,
        createdAt = c.CreatedAt,
        name = c.Name,
        hasArtifactCopies = c.HasArtifactCopies,
        automatic = c.Automatic,
    };

    public static object Error(ErrorRecord e) => new
    {
        at = e.At,
        phase = e.Phase,
        code = e.Code,
        message = e.Message,
        target = e.Target,
        file = e.File,
        line = e.Line,
        column = e.Column,
    };
}

/// <summary>One entry of <c>status --json</c> and <c>list --json</c>.</summary>
internal sealed record EntryJson(string Id, string Phase, string Status, string? RunId, DateTimeOffset UpdatedAt, string Lifecycle, long Sequence);

/// <summary><c>status --json</c>.</summary>
internal sealed record StatusJson(string Root, IReadOnlyList<EntryJson> Builds);

/// <summary><c>list --json</c>.</summary>
internal sealed record BuildsJson(IReadOnlyList<EntryJson> Builds);
