using System.Collections.Concurrent;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    // Artifacts of the run before the one this store object started, by build id (see KnownArtifacts).
    private readonly ConcurrentDictionary<string, List<ArtifactRecord>> _earlierRunArtifacts = new(StringComparer.Ordinal);

    /// <summary>
    /// Records files the current run produced, with size and SHA-256. Hashing happens before the
    /// lock is taken (it is the slow part); a file recorded again replaces its earlier entry.
    /// </summary>
    public BuildRecord RecordArtifacts(string buildId, IEnumerable<ArtifactInput> files)
    {
        var hashed = HashArtifacts(files, KnownArtifacts(buildId));
        return Mutate(buildId, "record artifacts", existing =>
        {
            var record = RequireRun(existing, buildId);
            MergeArtifacts(record, hashed);
            return new Change(record, new HistoryEntry { Kind = HistoryKinds.Artifacts, Message = $"{hashed.Count} artifact(s)" }, DurableNow: false);
        });
    }

    /// <summary>
    /// Artifacts whose recorded hash is reused for a file of the same size and write time: those of
    /// the current run, and those of the run before it when this store object started the current
    /// one. A new run starts with no artifacts, so without the second every build would hash all of
    /// its outputs again, unchanged ones included (a no-op build changes none).
    /// </summary>
    private Dictionary<string, ArtifactRecord> KnownArtifacts(string buildId)
    {
        var known = new Dictionary<string, ArtifactRecord>(StringComparer.Ordinal);
        if (_earlierRunArtifacts.TryGetValue(buildId, out var earlier))
        {
            foreach (var artifact in earlier)
            {
                known[artifact.Path] = artifact;
            }
        }

        foreach (var artifact in TryGet(buildId)?.Artifacts ?? [])
        {
            known[artifact.Path] = artifact;
        }

        return known;
    }

    /// <summary>Hashes files (skipping those whose size and time match <paramref name="previous"/>), once each.</summary>
    private List<ArtifactRecord> HashArtifacts(IEnumerable<ArtifactInput> files, IReadOnlyDictionary<string, ArtifactRecord> previous)
    {
        // A loop, not DistinctBy over tuples: that generic code is JIT-compiled in each MSBuild node.
        var hashed = new List<ArtifactRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var full = ToFullPath(file.Path);
            if (seen.Add(full))
            {
                hashed.Add(ArtifactHasher.Hash(full, ToStoredPath(full), file.Kind, previous));
            }
        }

        return hashed;
    }

    /// <summary>Adds artifacts to the record; a file recorded again replaces its earlier entry.</summary>
    private static void MergeArtifacts(BuildRecord record, List<ArtifactRecord> hashed)
    {
        if (hashed.Count == 0)
        {
            return;
        }

        var byPath = record.Artifacts.ToDictionary(a => a.Path, StringComparer.Ordinal);
        foreach (var artifact in hashed)
        {
            byPath[artifact.Path] = artifact;
        }

        record.Artifacts = byPath.Values.OrderBy(a => a.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>A path as stored: relative to the repository root with forward slashes when inside it, else absolute.</summary>
    public string ToStoredPath(string fullPath)
    {
        var relative = Path.GetRelativePath(RepositoryRoot, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? fullPath.Replace('\\', '/')
            : relative.Replace('\\', '/');
    }

    /// <summary>
    /// The full path of a stored artifact path when it lies inside the repository root; null when it
    /// does not (it climbs out with "..", is absolute elsewhere, is the root itself, or is no path),
    /// or when a folder on its way is a symbolic link to a place outside the root (a link committed
    /// to a cloned repository would otherwise take a restore's write anywhere).
    /// Files are written back only inside the root: a stored path is data from the store's files.
    /// </summary>
    internal string? FullPathInsideRepository(string storedPath)
    {
        string full;
        try
        {
            full = ToFullPath(storedPath);
        }
        catch (ArgumentException)
        {
            return null; // a NUL or another character no path may hold
        }

        if (PathLinks.Relation(full, RepositoryRoot) != PathRelation.Below)
        {
            return null;
        }

        try
        {
            // The file's folder as the system follows it: the root itself, or below it.
            return PathLinks.Relation(PathLinks.Resolve(Path.GetDirectoryName(full)!), PathLinks.Resolve(RepositoryRoot)) == PathRelation.Outside ? null : full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // where a folder's link cannot be read, the file counts as outside: not written
        }
    }

    /// <summary>The full path of a stored or caller-given path.</summary>
    public string ToFullPath(string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(RepositoryRoot, path.Replace('/', Path.DirectorySeparatorChar)));
}
