using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Restores a build to a checkpoint: the state comes back (the checkpoint list stays as it is now)
    /// and, with <paramref name="restoreArtifacts"/>, every artifact file is written back from its copy
    /// and verified against its SHA-256. The state before the restore is backed up first. Refused
    /// (Corruption, naming the checkpoint file) before anything is written: a checkpoint that is not
    /// the one its build lists (<see cref="ReadListedCheckpoint"/>). With artifacts, no file outside
    /// the repository root is written: one that needs restoring is listed in
    /// <see cref="RestoreResult.NotRestored"/> with its copy. With artifacts, every copy needed is read and verified
    /// before any file is written (a missing or damaged one refuses the restore, naming the blob),
    /// and every file is staged beside its target before any target is replaced. A build that
    /// another process is building now (<see cref="LiveRun"/>) is not restored (Validation).
    /// </summary>
    public RestoreResult RestoreCheckpoint(string buildId, string checkpoint, bool restoreArtifacts = false) =>
        RestoreCheckpoint(buildId, checkpoint, restoreArtifacts, continueRunId: null);

    /// <summary>
    /// Restores a build to a checkpoint, as <see cref="RestoreCheckpoint(string, string, bool)"/>.
    /// With <paramref name="continueRunId"/>, the restored run is the caller's current run: unless
    /// the restored phase is terminal (that run is over), it stays open under that run id and owner
    /// and goes on from the restored phase (Running, or Failed in the error phase), instead of being
    /// marked Interrupted. A live run is restored only when it is the caller's: owned by this
    /// process, or the run <paramref name="continueRunId"/> names.
    /// </summary>
    public RestoreResult RestoreCheckpoint(string buildId, string checkpoint, bool restoreArtifacts, string? continueRunId)
    {
        try
        {
            return RestoreCheckpointUnguarded(buildId, checkpoint, restoreArtifacts, continueRunId);
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption && Layout.IsInCheckpoints(buildId, e.FilePath))
        {
            // The checkpoint (its file or a copy) is damaged, not the store: another one may serve.
            throw new BuildStateException(e.Kind, e.Message + DamagedCheckpointAdvice(buildId), e.FilePath, e);
        }
    }

    /// <summary>What to do when the checkpoint asked for is damaged (restore refuses it before anything is written).</summary>
    private static string DamagedCheckpointAdvice(string buildId) =>
        $"; restore another checkpoint (`buildstate checkpoints \"{buildId}\"` lists them), or run `buildstate recover`, which drops the damaged one (its files kept in damaged/)";

    private RestoreResult RestoreCheckpointUnguarded(string buildId, string checkpoint, bool restoreArtifacts, string? continueRunId)
    {
        var key = BuildKey.For(buildId);
        var result = new RestoreResult();
        Mutate(buildId, "restore", existing =>
        {
            var current = existing ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
            if (LiveRun(current) is { } live && !IsCallersRun(live, continueRunId))
            {
                throw BeingBuilt(buildId, live, "restore");
            }

            var reference = FindCheckpoint(current, checkpoint);
            var file = ReadListedCheckpoint(key, current.Id, reference);
            EnsureFitsTheCurrentTable(key, file);
            if (restoreArtifacts && !file.HasArtifactCopies)
            {
                throw new BuildStateException(StoreErrorKind.Validation, $"checkpoint {file.Id}{(file.Name is null ? "" : $" ({file.Name})")} holds no artifact copies, so it cannot put files back: restore it without artifacts (the state only), or one with copies (`buildstate checkpoints` marks them); to restore files later, take checkpoints with copies (`buildstate checkpoint`; in builds BuildStateCheckpointArtifacts=true, or CopyArtifacts=\"true\")");
            }

            // All or nothing: every target and every copy is checked before anything is written.
            var pending = restoreArtifacts ? VerifyArtifactCopies(key, file, result) : [];
            WriteBackup(key, current);
            WriteArtifactsBack(pending, result);

            var restored = file.State.Clone();
            restored.Checkpoints = current.Checkpoints;
            restored.Artifacts = [.. file.Artifacts.Select(WithoutMode)];
            KeepRecordsTheCheckpointDoesNotList(current, file, restored, result);
            if (continueRunId is not null && restored.Run is { } continued
                && !(Lifecycles.TryGet(restored.Lifecycle, out var table) && table.Terminal.Contains(restored.Phase)))
            {
                var failed = continued.Status == RunStatus.Failed || (table is not null && restored.Phase == table.Error);
                restored.RunId = continueRunId;
                continued.RunId = continueRunId;
                continued.Owner = Options.Owner;
                continued.EndedAt = null;
                continued.Reason = null;
                SetStatus(restored, failed ? RunStatus.Failed : RunStatus.Running);
            }
            else if (restored.Run is { Status: RunStatus.Running } run)
            {
                // The snapshot's run is not running now: nothing owns it. It ends where the snapshot
                // stands, when the checkpoint was taken: the restore's time would credit it with
                // however long came after (for an earlier run, a duration it never had).
                SetStatus(restored, RunStatus.Interrupted);
                run.Reason = $"restored from checkpoint {file.Id} taken at {file.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}Z, while the run was in {file.Phase}";
                run.EndedAt = file.CreatedAt;
            }

            result.CheckpointId = file.Id;
            result.Phase = restored.Phase;
            return new Change(restored, new HistoryEntry { Kind = HistoryKinds.Restore, From = current.Phase, To = restored.Phase, Message = $"restored checkpoint {file.Id}" }, DurableNow: true);
        });
        return result;
    }

    /// <summary>
    /// The state's artifact records that the checkpoint does not list (files recorded after it was
    /// taken: the SDK's <c>built</c> checkpoint is taken before Pack and Publish) are not forgotten
    /// quietly. A record of the same run as the checkpoint's snapshot whose file is on disk with its
    /// recorded SHA-256 is kept in the restored state, after the checkpoint's own (the file is still
    /// that run's output); any other is dropped, and both are listed in the result.
    /// </summary>
    private void KeepRecordsTheCheckpointDoesNotList(BuildRecord current, CheckpointFile file, BuildRecord restored, RestoreResult result)
    {
        var listed = file.Artifacts.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        var sameRun = current.RunId is not null && current.RunId == file.State.RunId;
        foreach (var artifact in current.Artifacts.Where(a => !listed.Contains(a.Path)))
        {
            if (sameRun && IsOnDiskAsRecorded(artifact))
            {
                restored.Artifacts.Add(artifact);
                result.Kept.Add(artifact.Path);
            }
            else
            {
                result.Dropped.Add(artifact.Path);
            }
        }
    }

    /// <summary>A manifest entry as a state lists it: without the mode, which only a checkpoint's manifest keeps.</summary>
    private static ArtifactRecord WithoutMode(ArtifactRecord artifact)
    {
        if (artifact.Mode is null)
        {
            return artifact;
        }

        var copy = (ArtifactRecord)artifact.CopyMembers();
        copy.Mode = null;
        return copy;
    }

    /// <summary>True when the artifact's file is there and has its recorded SHA-256.</summary>
    internal bool IsOnDiskAsRecorded(ArtifactRecord artifact)
    {
        try
        {
            var full = ToFullPath(artifact.Path);
            return File.Exists(full) && ArtifactHasher.HashFile(full) == artifact.Sha256;
        }
        catch (Exception e) when (e is ArgumentException or BuildStateException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A checkpoint taken under an earlier version of its lifecycle's table (a phase renamed or
    /// removed since, a transition taken out) would put back a state the current table does not
    /// allow: the run could not go on from it, and validate would report it. Refused (Validation),
    /// before anything is written.
    /// </summary>
    private void EnsureFitsTheCurrentTable(string key, CheckpointFile file)
    {
        if (!Lifecycles.TryGet(file.State.Lifecycle, out var table))
        {
            return; // an unknown lifecycle is validate's to report; the default one is always known
        }

        var path = Layout.CheckpointFile(key, file.Id);
        var illegal = !table.Phases.Contains(file.State.Phase)
            ? $"its phase '{file.State.Phase}' is not a phase of lifecycle '{table.Name}' now"
            : file.State.Transitions.FirstOrDefault(t => !table.CanTransition(t.From, t.To)) is { } t
                ? $"its transition {t.From} -> {t.To} is not allowed by lifecycle '{table.Name}' now"
                : null;
        if (illegal is not null)
        {
            throw new BuildStateException(StoreErrorKind.Validation,
                $"checkpoint {file.Id} was taken under an earlier version of its table: {illegal}. Restore a checkpoint taken since the table changed, or put the table back", path);
        }
    }
}

/// <summary>What a restore did.</summary>
public sealed class RestoreResult
{
    public string CheckpointId { get; set; } = "";

    public string Phase { get; set; } = "";

    /// <summary>Artifact files written back and verified.</summary>
    public List<string> Restored { get; } = [];

    /// <summary>Artifact files already matching their hash.</summary>
    public List<string> Unchanged { get; } = [];

    /// <summary>
    /// Artifact records of the state the checkpoint does not list that the restored state keeps:
    /// of the same run, their files on disk with their recorded SHA-256.
    /// </summary>
    public List<string> Kept { get; } = [];

    /// <summary>
    /// Missing or altered artifact files outside the repository root, which restore never writes,
    /// with the verified copy each can be copied back from by hand. A restore that lists any did not
    /// put back every file (the CLI exits 4).
    /// </summary>
    public List<OutsideCopy> NotRestored { get; } = [];

    /// <summary>Artifact records of the state the checkpoint does not list that the restored state no longer has (another run's, or their files missing or changed).</summary>
    public List<string> Dropped { get; } = [];
}
