using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// After <see cref="RefreshArtifacts"/> found the run's outputs rewritten or gone: the run's
    /// automatic checkpoint (<c>built</c>, <c>before-test</c>), taken at its phase boundary with the
    /// files as they were then, is taken again with the files the build left, so that restoring it
    /// gives the build's real outputs (the signed assembly, not the one before signing). It keeps its
    /// name, phase and state snapshot (only the artifact entries change) and takes a new id; the old
    /// file goes once the commit is done. When it then holds the same files as the newest earlier
    /// checkpoint of its name at its phase, it is dropped instead, as an automatic checkpoint that
    /// repeats that one is never taken. A run that took none (<paramref name="automaticCheckpoints"/>:
    /// it would have) may take one (<see cref="TakeInsteadOfRepeated"/>). Returns what it did, for
    /// the history entry (null: nothing), and sets <paramref name="changed"/> when the checkpoint list changed.
    /// </summary>
    private string? RetakeRunCheckpoint(string key, BuildRecord record, IReadOnlyList<Refreshed> found, bool automaticCheckpoints, out bool changed)
    {
        changed = false;
        var index = record.Checkpoints.FindLastIndex(c => c.Automatic && c.CreatedAt >= record.Run!.StartedAt);
        if (index < 0)
        {
            return automaticCheckpoints ? TakeInsteadOfRepeated(key, record, found, out changed) : null;
        }

        if (TryReadCheckpoint(key, record.Checkpoints[index].Id) is not { } file)
        {
            return null; // damaged: recover's to deal with
        }

        var old = record.Checkpoints[index];
        var manifest = Refreshed.Apply(file.Artifacts, found);
        if (manifest is null)
        {
            return null; // taken after the rewrite: it already holds the files as they are
        }

        var state = file.State;
        state.Artifacts = Refreshed.Apply(state.Artifacts, found) ?? state.Artifacts;
        if (file.HasArtifactCopies && !TryCopy(key, manifest))
        {
            return null; // a file changed again while it was copied (or the disk is full): the checkpoint stays as it was taken
        }

        var digest = ManifestDigest(manifest, file.HasArtifactCopies);
        if (SameAsNewest(key, record.Checkpoints.Take(index), old.Name, old.Phase, digest) is { } same)
        {
            record.Checkpoints.RemoveAt(index);
            changed = true;
            return $"checkpoint {Label(old)} dropped: with them it holds the same files as checkpoint {same.Id}";
        }

        CheckpointRef retaken;
        try
        {
            retaken = WriteCheckpoint(key, record, new CheckpointFile
            {
                Name = old.Name,
                BuildId = file.BuildId,
                Phase = old.Phase,
                CreatedAt = Now,
                Automatic = true,
                HasArtifactCopies = file.HasArtifactCopies,
                Artifacts = manifest,
                State = state,
            }, digest);
        }
        catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
        {
            return null; // a full disk: the artifacts are still brought up to date, the checkpoint stays as it was taken
        }

        changed = true;
        record.Checkpoints[index] = retaken;
        return $"checkpoint {Label(old)} taken again with them as {retaken.Id}";
    }

    /// <summary>
    /// The run took no automatic checkpoint of its own: its files, as they were before the rewrite,
    /// were those of the newest one, which then holds the files before the rewrite too (taken by an
    /// earlier version of the SDK, which did not take checkpoints again, or one whose retake failed).
    /// When that newest automatic checkpoint is at the run's phase (<c>built</c> at <c>Complete</c>)
    /// and lists a file as the run recorded it before the rewrite, a new one of its name is taken
    /// with the files as they are now, as the run would have taken had it seen them.
    /// </summary>
    private string? TakeInsteadOfRepeated(string key, BuildRecord record, IReadOnlyList<Refreshed> found, out bool changed)
    {
        changed = false;
        var newest = record.Checkpoints.LastOrDefault(c => c.Automatic);
        if (newest is null || newest.Phase != record.Phase || TryReadCheckpoint(key, newest.Id) is not { } file || Refreshed.Apply(file.Artifacts, found) is null)
        {
            return null;
        }

        try
        {
            var taken = TakeCheckpoint(key, record, newest.Name, newest.HasArtifactCopies, automatic: true);
            changed = taken.Taken;
            return taken.Taken ? $"checkpoint {Label(taken.Checkpoint)} taken with them (the run's own was not taken: it repeated checkpoint {newest.Id}, which holds the files before)" : null;
        }
        catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
        {
            return null; // a file gone for copies, a full disk: the artifacts are still brought up to date
        }
    }

    /// <summary>"ID (name)", as the history names a checkpoint.</summary>
    private static string Label(CheckpointRef checkpoint) => checkpoint.Name is null ? checkpoint.Id : $"{checkpoint.Id} ({checkpoint.Name})";

    /// <summary>Copies the manifest's files not yet in the blob store, with their modes; false when one changed or went meanwhile.</summary>
    private bool TryCopy(string key, List<ArtifactRecord> manifest)
    {
        try
        {
            manifest.ForEach(a => a.Mode ??= ArtifactModes.Read(ToFullPath(a.Path)));
            StoreBlobs(key, manifest);
            return true;
        }
        catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
