using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// What recovery does with a checkpoint it cannot keep. A checkpoint whose file is damaged or gone,
/// or whose artifact copies are missing or altered, cannot be restored: it is dropped from the
/// build's list and reported as lost (never as a repair). Its file and every artifact copy it may
/// have needed are set aside in damaged/ first, in one folder laid out as checkpoints/ is
/// (<c>&lt;id&gt;.json</c>, <c>blobs/&lt;sha256&gt;</c>): those copies were verified when taken and
/// may be the only intact copies of the build's outputs, so recovery never deletes them.
/// </summary>
public sealed partial class BuildStore
{
    /// <summary>
    /// A checkpoint that cannot be restored: why, and its file when that could still be read (null
    /// when damaged or gone). Not <see cref="Listed"/>: a file the state does not list, set aside the
    /// same way (BuildStore.UnlistedCheckpoints.cs).
    /// </summary>
    private sealed record DroppedCheckpoint(CheckpointRef Reference, string Problem, CheckpointFile? File)
    {
        public bool Listed { get; init; } = true;
    }

    /// <summary>What recovery found in a build's checkpoints.</summary>
    private sealed class CheckpointTriage
    {
        public List<DroppedCheckpoint> Dropped { get; } = [];

        /// <summary>Blobs the checkpoints that stay refer to: they stay in checkpoints/blobs/.</summary>
        public HashSet<string> NeededByKept { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// A checkpoint that stays could not be read here (a newer schema, no permission), so what it
        /// needs is not known: no blob may leave checkpoints/blobs/ (set-aside copies are copied, not moved).
        /// </summary>
        public bool KeptNeedsUnknown { get; set; }

        /// <summary>Blobs whose bytes do not have the hash they are stored under: no checkpoint can use them.</summary>
        public HashSet<string> Altered { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Judges every checkpoint the state lists. A checkpoint whose file is no damage but cannot be
    /// judged here (a newer schema, no permission) stays, file and all, and is reported as left as it is.
    /// </summary>
    private CheckpointTriage TriageCheckpoints(string key, BuildRecord record, RecoveryReport report)
    {
        var triage = new CheckpointTriage();
        foreach (var reference in record.Checkpoints)
        {
            try
            {
                if (JudgeCheckpoint(key, record.Id, reference, triage) is { } dropped)
                {
                    triage.Dropped.Add(dropped);
                }
            }
            catch (BuildStateException e)
            {
                report.NotRecovered(e); // anything else is thrown: not this version's to drop
                triage.KeptNeedsUnknown = true;
            }
        }

        return triage;
    }

    /// <summary>The checkpoint as dropped (and why), or null when it stays (its copies then count as needed).</summary>
    private DroppedCheckpoint? JudgeCheckpoint(string key, string buildId, CheckpointRef reference, CheckpointTriage triage)
    {
        CheckpointFile file;
        try
        {
            // As restore reads it: a checkpoint of another build, or whose artifact list is not the
            // one the state lists, cannot be restored either, so it is dropped like a damaged one.
            file = ReadListedCheckpoint(key, buildId, reference);
        }
        catch (BuildStateException e) when (IsDamage(e))
        {
            return new(reference, e.Message, null);
        }

        if (!file.HasArtifactCopies)
        {
            return null;
        }

        foreach (var artifact in file.Artifacts)
        {
            var state = triage.Altered.Contains(artifact.Sha256) ? CopyState.Altered : CheckCopy(Layout.Blob(key, artifact.Sha256), artifact, out _);
            if (state != CopyState.Intact)
            {
                if (state == CopyState.Altered)
                {
                    triage.Altered.Add(artifact.Sha256);
                }

                return new(reference, $"the copy of {artifact.Path} {Describe(state)}", file);
            }
        }

        triage.NeededByKept.UnionWith(file.Artifacts.Select(a => a.Sha256));
        return null;
    }

    /// <summary>
    /// Sets the dropped checkpoints aside, before the state that drops them is committed (so a crash
    /// in between leaves them listed, to be dropped again, and their copies safe in damaged/): each
    /// one's file is copied (the original goes with the unreferenced files after the commit), and
    /// every copy one of them may have needed is moved there, or copied when a checkpoint that stays
    /// needs it too. A dropped checkpoint whose file is gone or damaged may have needed any copy; one
    /// whose file was read needed those it lists. An altered copy is kept as <c>&lt;sha256&gt;.altered</c>,
    /// never under a hash its bytes do not have. Returns the folder, or null when nothing was there to keep.
    /// </summary>
    private string? SetAside(string key, CheckpointTriage triage)
    {
        var folder = DamagedPath(key, "checkpoints");
        var kept = false;
        var sync = Options.Durability != Durability.None;
        foreach (var dropped in triage.Dropped.Where(d => IsSafeCheckpointId(d.Reference.Id)))
        {
            var path = Layout.CheckpointFile(key, dropped.Reference.Id);
            if (_fs.FileExists(path))
            {
                _fs.CreateDirectory(folder);
                _fs.WriteFile(Path.Combine(folder, Path.GetFileName(path)), _fs.ReadAllBytes(path, long.MaxValue), sync);
                kept = true;
            }
        }

        var blobsAside = Path.Combine(folder, "blobs");
        foreach (var sha in BlobsTheDroppedMayNeed(key, triage))
        {
            var blob = Layout.Blob(key, sha);
            if (!_fs.FileExists(blob))
            {
                continue;
            }

            _fs.CreateDirectory(blobsAside);
            var altered = triage.Altered.Contains(sha);
            var target = Path.Combine(blobsAside, altered ? sha + ".altered" : sha);
            if (!altered && (triage.KeptNeedsUnknown || triage.NeededByKept.Contains(sha)))
            {
                _fs.WriteFile(target, _fs.ReadAllBytes(blob, long.MaxValue), sync);
            }
            else
            {
                _fs.Rename(blob, target); // nothing that stays needs it: the one copy moves, nothing is deleted
            }

            kept = true;
        }

        if (kept && sync)
        {
            // The moves must be durable before the commit that drops the checkpoints: both folders' entries.
            _fs.SyncDirectory(folder);
            if (_fs.DirectoryExists(blobsAside))
            {
                _fs.SyncDirectory(blobsAside);
                _fs.SyncDirectory(Layout.BlobsDir(key));
            }
        }

        return kept ? folder : null;
    }

    /// <summary>Every blob of the build when a dropped checkpoint's file cannot tell what it needed, else the blobs the dropped files list.</summary>
    private IEnumerable<string> BlobsTheDroppedMayNeed(string key, CheckpointTriage triage)
    {
        if (triage.Dropped.Any(d => d.File is null))
        {
            return _fs.EnumerateFiles(Layout.BlobsDir(key), "*").Select(p => Path.GetFileName(p)!).ToList();
        }

        return triage.Dropped
            .Where(d => d.File!.HasArtifactCopies)
            .SelectMany(d => d.File!.Artifacts.Select(a => a.Sha256))
            .Where(IsPlainFileName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A hash from a manifest that names a file in blobs/ and nothing outside it (a hostile manifest may hold anything).</summary>
    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    /// <summary>The lost line of a dropped checkpoint (the caller prefixes the build id).</summary>
    private static string LostLine(DroppedCheckpoint dropped, string? aside)
    {
        var reference = dropped.Reference;
        var name = reference.Name is null ? "" : $" ({reference.Name})";
        var kept = aside is null ? "" : $"; what was left of it (its file, the artifact copies it may have needed) is kept in {aside}";
        return $"checkpoint {reference.Id}{name}, taken in {reference.Phase} at {reference.CreatedAt:O}, cannot be restored: {dropped.Problem}; it was dropped from the build's list{kept}";
    }
}
