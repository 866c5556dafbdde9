using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Which checkpoint can put back <paramref name="wanted"/> (artifact records of the build whose
    /// files are missing or changed), for <c>verify</c>'s advice. A checkpoint holds a file when it
    /// has copies and lists the file's path with the recorded SHA-256; a file outside the repository
    /// root is never written back by restore. The suggested checkpoint is the newest that holds every
    /// file any checkpoint holds, else the one that holds the most (the newest of those). Checkpoints
    /// that cannot be read, or that do not match their build's list, are passed over.
    /// </summary>
    public ArtifactRestoreAdvice AdviseArtifactRestore(string buildId, IReadOnlyCollection<ArtifactRecord> wanted)
    {
        var key = BuildKey.For(buildId);
        var record = Get(buildId);
        var advice = new ArtifactRestoreAdvice { AnyCheckpointHasCopies = record.Checkpoints.Any(c => c.HasArtifactCopies) };
        var inside = new List<ArtifactRecord>();
        var outside = new List<ArtifactRecord>();
        foreach (var artifact in wanted)
        {
            (FullPathInsideRepository(artifact.Path) is not null ? inside : outside).Add(artifact);
        }

        var held = new List<(CheckpointRef Checkpoint, HashSet<string> Paths)>();
        var outsideCopies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in record.Checkpoints.Where(c => c.HasArtifactCopies).Reverse())
        {
            CheckpointFile file;
            try
            {
                file = ReadListedCheckpoint(key, record.Id, reference);
            }
            catch (BuildStateException)
            {
                continue;
            }

            var copies = file.Artifacts.Select(a => (a.Path, a.Sha256)).ToHashSet();
            held.Add((reference, inside.Where(a => copies.Contains((a.Path, a.Sha256))).Select(a => a.Path).ToHashSet(StringComparer.Ordinal)));
            foreach (var artifact in outside.Where(a => copies.Contains((a.Path, a.Sha256))))
            {
                outsideCopies.TryAdd(artifact.Path, Layout.Blob(key, artifact.Sha256));
            }
        }

        var union = held.SelectMany(h => h.Paths).ToHashSet(StringComparer.Ordinal);
        if (union.Count > 0)
        {
            var best = held.FirstOrDefault(h => h.Paths.IsSupersetOf(union));
            if (best.Checkpoint is null)
            {
                var most = held.Max(h => h.Paths.Count);
                best = held.First(h => h.Paths.Count == most);
            }

            advice.Checkpoint = best.Checkpoint;
            advice.Restorable.AddRange(inside.Where(a => best.Paths.Contains(a.Path)).Select(a => a.Path));
        }

        advice.NotHeld.AddRange(inside.Where(a => !advice.Restorable.Contains(a.Path)).Select(a => a.Path));
        advice.NotHeld.AddRange(outside.Where(a => !outsideCopies.ContainsKey(a.Path)).Select(a => a.Path));
        foreach (var (path, blob) in outsideCopies)
        {
            advice.OutsideWithCopies.Add(new OutsideCopy(path, blob));
        }

        return advice;
    }
}

/// <summary>What can put back missing or changed artifact files (see <see cref="BuildStore.AdviseArtifactRestore"/>).</summary>
public sealed class ArtifactRestoreAdvice
{
    /// <summary>Whether the build lists any checkpoint with copies at all.</summary>
    public bool AnyCheckpointHasCopies { get; set; }

    /// <summary>The checkpoint to restore with --artifacts, when one holds any of the files.</summary>
    public CheckpointRef? Checkpoint { get; set; }

    /// <summary>The files that restoring <see cref="Checkpoint"/> with --artifacts puts back.</summary>
    public List<string> Restorable { get; } = [];

    /// <summary>The files no restore puts back: <see cref="Checkpoint"/> holds no copy of them (rebuild, pack or publish again).</summary>
    public List<string> NotHeld { get; } = [];

    /// <summary>Files outside the repository root, which restore never writes, that a checkpoint holds a copy of: where that copy is.</summary>
    public List<OutsideCopy> OutsideWithCopies { get; } = [];
}

/// <summary>A file outside the repository and the stored copy (checkpoints/blobs/SHA-256) it can be copied back from.</summary>
public sealed record OutsideCopy(string Path, string Blob);
