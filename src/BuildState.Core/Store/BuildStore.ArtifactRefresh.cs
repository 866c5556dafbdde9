using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Brings the artifacts of run <paramref name="runId"/> in line with the files as they are now:
    /// a file that changed (size, write or change time: <see cref="IO.FileStamp"/>) since <paramref name="recorded"/> was taken is
    /// hashed again and its entry replaced; a file that is gone is no longer listed. An artifact is
    /// hashed when it is recorded, but the command that built it may still rewrite it (a target
    /// after Build that signs or merges the assembly) or move it away before it ends: the SDK calls
    /// this at the end of the build so that a run's artifacts are the files the build left,
    /// whatever the order of its targets. Cheap when nothing changed: one stat per file, no lock,
    /// nothing written. A run that is no longer the build's latest, or an entry another writer has
    /// recorded since, is not changed. The run's automatic checkpoint is taken again with the files
    /// (<see cref="RetakeRunCheckpoint"/>); with <paramref name="automaticCheckpoints"/> (the run takes
    /// them: the SDK's <c>BuildStateAutoCheckpoints</c>) one is taken when the run's own was not.
    /// </summary>
    public ArtifactRefresh RefreshArtifacts(string buildId, string runId, IReadOnlyList<ArtifactRecord> recorded, bool automaticCheckpoints = false)
    {
        // Of a class, not a tuple: generic code over a value type is JIT-compiled in each MSBuild node, and this runs in every one.
        List<Refreshed>? found = null;
        foreach (var artifact in recorded)
        {
            var full = ToFullPath(artifact.Path);
            var stamp = IO.FileStamp.Of(full);
            if (stamp is not null && stamp.Matches(artifact))
            {
                continue;
            }

            ArtifactRecord? now = null;
            try
            {
                now = stamp is not null ? ArtifactHasher.Hash(full, artifact.Path, artifact.Kind, previous: null, stamp) : null;
            }
            catch (Errors.BuildStateException)
            {
                // gone (or unreadable) since the stat: as gone
            }

            (found ??= []).Add(new Refreshed(artifact, now));
        }

        if (found is null)
        {
            return ArtifactRefresh.None;
        }

        var rehashed = new List<ArtifactRecord>();
        var gone = new List<string>();
        var applied = new List<Refreshed>();
        var key = BuildKey.For(buildId);
        Mutate(buildId, "refresh artifacts", existing =>
        {
            var record = RequireRun(existing, buildId);
            if (!string.Equals(record.RunId, runId, StringComparison.Ordinal))
            {
                return null; // a later run of the build: its artifacts are its own
            }

            foreach (var (was, now) in found)
            {
                // Only over the entry that was compared: one recorded again meanwhile is newer than ours.
                if (record.Artifacts.Find(a => a.Path == was.Path) is not { } stored || stored.Sha256 != was.Sha256 || stored.LastWriteUtc != was.LastWriteUtc || stored.ChangedUtc != was.ChangedUtc)
                {
                    continue;
                }

                applied.Add(new Refreshed(was, now));
                if (now is null)
                {
                    record.Artifacts.Remove(stored);
                    gone.Add(was.Path);
                }
                else
                {
                    rehashed.Add(now);
                }
            }

            if (rehashed.Count + gone.Count == 0)
            {
                return null;
            }

            MergeArtifacts(record, rehashed);
            var checkpoint = RetakeRunCheckpoint(key, record, applied, automaticCheckpoints, out var checkpointsChanged);
            var message = string.Join("; ", new[]
            {
                rehashed.Count > 0 ? $"{rehashed.Count} artifact(s) changed after they were recorded, hashed again: {Named(rehashed.Select(a => a.Path).ToList())}" : null,
                gone.Count > 0 ? $"{gone.Count} artifact(s) gone since they were recorded, no longer listed: {Named(gone)}" : null,
                checkpoint,
            }.Where(part => part is not null));
            // A checkpoint file replaced: durable at once, as any checkpoint, and the old file deleted after the commit.
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Artifacts, Message = message }, DurableNow: checkpointsChanged)
            {
                AfterCommit = checkpointsChanged ? () => DeleteUnreferencedCheckpointFiles(key, record) : null,
            };
        });
        return new ArtifactRefresh(rehashed.Select(a => a.Path).ToList(), gone);
    }

    /// <summary>The first <paramref name="shown"/> paths, then how many more: a message names files without growing with them.</summary>
    internal static string Named(IReadOnlyList<string> paths, int shown = 3) =>
        string.Join(", ", paths.Take(shown)) + (paths.Count > shown ? $" and {paths.Count - shown} more" : "");

    /// <summary>An artifact as it was recorded, and as it is now (null: gone).</summary>
    private sealed record Refreshed(ArtifactRecord Was, ArtifactRecord? Now)
    {
        /// <summary>
        /// <paramref name="list"/> with each entry that is still the file as it was recorded replaced
        /// by the file as it is now (a copy), or left out when it is gone; null when none changed.
        /// </summary>
        public static List<ArtifactRecord>? Apply(IReadOnlyList<ArtifactRecord> list, IReadOnlyList<Refreshed> found)
        {
            var result = new List<ArtifactRecord>(list.Count);
            var any = false;
            foreach (var entry in list)
            {
                var match = found.FirstOrDefault(r => r.Was.Path == entry.Path && r.Was.Sha256 == entry.Sha256);
                if (match is null || (match.Now is { } same && same.Sha256 == entry.Sha256 && same.Size == entry.Size))
                {
                    result.Add(entry); // not this file, or touched with its bytes unchanged
                    continue;
                }

                any = true;
                if (match.Now is { } now)
                {
                    result.Add((ArtifactRecord)now.CopyMembers());
                }
            }

            return any ? result : null;
        }
    }
}

/// <summary>What <see cref="BuildStore.RefreshArtifacts"/> changed: stored paths hashed again, and those no longer listed.</summary>
public sealed record ArtifactRefresh(IReadOnlyList<string> Rehashed, IReadOnlyList<string> Gone)
{
    public static ArtifactRefresh None { get; } = new([], []);
}
