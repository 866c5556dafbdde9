using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Moves a build (its state, history, checkpoints and backups) to archived/&lt;key&gt;.&lt;time&gt;
    /// and drops it from the index. A build with a live running run is not archived.
    /// </summary>
    public string Archive(string buildId)
    {
        var key = BuildKey.For(buildId);
        EnsureStoreDirectories();
        using (Locks.Acquire(Layout.BuildLock(key), "archive"))
        {
            var loaded = Load(key, buildId, repair: true);
            var record = loaded.Record ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
            if (LiveRun(record) is { } live)
            {
                throw BeingBuilt(buildId, live, "archive it");
            }

            if (loaded.SnapshotSequence != record.Sequence)
            {
                // Archived builds are read from their snapshot alone: bring it up to the log first.
                WriteAtomic(Layout.StateFile(key), Serialization.StoreJson.SerializeStateFile(record), sync: Options.Durability != Durability.None);
            }

            CreateDirectoryDurably(Layout.ArchivedDir);
            var target = Path.Combine(Layout.ArchivedDir, $"{key}.{Now:yyyyMMddTHHmmssfff}");
            Forget(key);
            _fs.MoveDirectory(Layout.BuildDir(key), target);
            if (_fs.DirectoryExists(Layout.BackupDir(key)))
            {
                _fs.MoveDirectory(Layout.BackupDir(key), Path.Combine(target, "backups"));
            }

            if (Options.Durability != Durability.None)
            {
                _fs.SyncDirectory(Layout.ActiveDir);
                _fs.SyncDirectory(Layout.ArchivedDir);
            }

            RemoveIndexEntry(key);
            return target;
        }
    }

    /// <summary>Archives every build not updated since <paramref name="olderThan"/> ago (and not running). Returns their ids.</summary>
    public IReadOnlyList<string> ArchiveOlderThan(TimeSpan olderThan)
    {
        var cutoff = Now - olderThan;
        var archived = new List<string>();
        foreach (var entry in List().Where(e => e.UpdatedAt < cutoff && e.Status != RunStatus.Running))
        {
            Archive(entry.Id);
            archived.Add(entry.Id);
        }

        return archived;
    }

    /// <summary>
    /// The keys of the builds that have an archived copy, from the folder names alone
    /// (<c>&lt;key&gt;.&lt;time&gt;</c>; a key holds no dot), so no archived state is read.
    /// </summary>
    internal HashSet<string> ArchivedKeys() =>
        _fs.EnumerateDirectories(Layout.ArchivedDir)
            .Select(d => Path.GetFileName(d)!)
            .Where(name => name.IndexOf('.', StringComparison.Ordinal) > 0)
            .Select(name => name[..name.IndexOf('.', StringComparison.Ordinal)])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The active builds that depend on any of <paramref name="buildIds"/> (builds just archived),
    /// each with those of its dependencies, in id order: archive names them, as their dependencies
    /// are now found in archived/ only. A build that cannot be read is left out (status and
    /// validate report it).
    /// </summary>
    public IReadOnlyList<DependentBuild> ActiveDependentsOf(IEnumerable<string> buildIds)
    {
        var targets = buildIds.ToHashSet(StringComparer.Ordinal);
        var dependents = new List<DependentBuild>();
        if (targets.Count == 0)
        {
            return dependents;
        }

        foreach (var entry in List().OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            BuildRecord? record;
            try
            {
                record = TryGet(entry.Id);
            }
            catch (BuildStateException)
            {
                continue;
            }

            var on = record?.Dependencies.Where(targets.Contains).Distinct(StringComparer.Ordinal).ToList();
            if (on is { Count: > 0 })
            {
                dependents.Add(new DependentBuild(entry.Id, on));
            }
        }

        return dependents;
    }

    /// <summary>The archived builds, newest first.</summary>
    public IReadOnlyList<ArchivedBuild> ListArchived()
    {
        var result = new List<ArchivedBuild>();
        foreach (var dir in _fs.EnumerateDirectories(Layout.ArchivedDir))
        {
            var state = Path.Combine(dir, "current_state.json");
            try
            {
                var record = ReadStateFile(state);
                result.Add(new ArchivedBuild(record.Id, dir, record.Phase, record.Status, record.UpdatedAt));
            }
            catch (BuildStateException e)
            {
                result.Add(new ArchivedBuild("?", dir, "?", RunStatus.Interrupted, DateTimeOffset.MinValue) { Problem = e.ToOneLine() });
            }
        }

        return result.OrderByDescending(a => a.UpdatedAt).ToList();
    }

    /// <summary>
    /// Deletes archived builds older than <paramref name="olderThan"/> and/or beyond the newest
    /// <paramref name="keepLast"/> archived copies of each build. Active builds are never pruned.
    /// </summary>
    public IReadOnlyList<ArchivedBuild> Prune(TimeSpan? olderThan, int? keepLast)
    {
        if (olderThan is null && keepLast is null)
        {
            throw new BuildStateException(StoreErrorKind.Validation, "prune needs an age, a count, or both");
        }

        var cutoff = olderThan is { } age ? Now - age : DateTimeOffset.MinValue;
        var pruned = new List<ArchivedBuild>();
        foreach (var group in ListArchived().GroupBy(a => a.Id))
        {
            var index = 0;
            foreach (var archived in group)
            {
                var tooOld = olderThan is not null && archived.UpdatedAt < cutoff;
                var beyondCount = keepLast is { } keep && index >= keep;
                if (tooOld || beyondCount)
                {
                    GuardNoLinks(archived.Directory);
                    _fs.DeleteDirectory(archived.Directory);
                    pruned.Add(archived);
                }

                index++;
            }
        }

        return pruned;
    }
}

/// <summary>An active build and those of its dependencies that were archived.</summary>
public sealed record DependentBuild(string Id, IReadOnlyList<string> DependsOn);

/// <summary>An archived build.</summary>
public sealed record ArchivedBuild(string Id, string Directory, string Phase, RunStatus Status, DateTimeOffset UpdatedAt)
{
    /// <summary>Why the archived copy could not be read, when it could not.</summary>
    public string? Problem { get; init; }
}
