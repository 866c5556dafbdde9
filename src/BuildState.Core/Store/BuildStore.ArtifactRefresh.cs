using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Hashes again the artifacts of run <paramref name="runId"/> whose files changed (size or last
    /// write time) since <paramref name="recorded"/> was taken, and records the new hashes in place of
    /// the old ones. An artifact is hashed when it is recorded, but its file may still be rewritten
    /// before the command that built it ends (a target after Build that signs or merges the
    /// assembly): the SDK calls this at the end of the build so that a run's hashes are those of the
    /// files the build left, whatever the order of its targets. Cheap when nothing changed: one stat
    /// per file, no lock, nothing written. A file that is gone is left as recorded (validate names
    /// it); a run that is no longer the build's latest, or an entry another writer has recorded
    /// since, is not changed. Returns the stored paths hashed again and recorded.
    /// </summary>
    public IReadOnlyList<string> RefreshArtifacts(string buildId, string runId, IReadOnlyList<ArtifactRecord> recorded)
    {
        // Of a class, not a tuple: generic code over a value type is JIT-compiled in each MSBuild node, and this runs in every one.
        List<Rehashed>? rehashed = null;
        foreach (var artifact in recorded)
        {
            var full = ToFullPath(artifact.Path);
            var info = new FileInfo(full);
            if (!info.Exists || (info.Length == artifact.Size && new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) == artifact.LastWriteUtc))
            {
                continue;
            }

            try
            {
                (rehashed ??= []).Add(new Rehashed(artifact, ArtifactHasher.Hash(full, artifact.Path, artifact.Kind, previous: null)));
            }
            catch (Errors.BuildStateException)
            {
                // gone or unreadable since the stat: left as recorded, as a file that is gone is
            }
        }

        if (rehashed is null)
        {
            return [];
        }

        var refreshed = new List<ArtifactRecord>();
        Mutate(buildId, "refresh artifacts", existing =>
        {
            var record = RequireRun(existing, buildId);
            if (!string.Equals(record.RunId, runId, StringComparison.Ordinal))
            {
                return null; // a later run of the build: its artifacts are its own
            }

            foreach (var (was, now) in rehashed)
            {
                // Only over the entry that was compared: one recorded again meanwhile is newer than ours.
                if (record.Artifacts.Find(a => a.Path == was.Path) is { } stored && stored.Sha256 == was.Sha256 && stored.LastWriteUtc == was.LastWriteUtc)
                {
                    refreshed.Add(now);
                }
            }

            if (refreshed.Count == 0)
            {
                return null;
            }

            MergeArtifacts(record, refreshed);
            var named = string.Join(", ", refreshed.Take(3).Select(a => a.Path)) + (refreshed.Count > 3 ? $" and {refreshed.Count - 3} more" : "");
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Artifacts, Message = $"{refreshed.Count} artifact(s) changed after they were recorded, hashed again: {named}" }, DurableNow: false);
        });
        return refreshed.Select(a => a.Path).ToList();
    }

    private sealed record Rehashed(ArtifactRecord Was, ArtifactRecord Now);
}
