using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Every active build, from the index. The index is a cache and is checked, not trusted: a
    /// missing or corrupt index is rebuilt from active/; entries whose current_state.json changed
    /// since they were indexed (a crash between the two writes) are refreshed; builds missing from
    /// it are added. Costs one directory listing and one stat per build.
    /// </summary>
    public IReadOnlyList<IndexEntry> List()
    {
        if (!_fs.DirectoryExists(Layout.Root))
        {
            return [];
        }

        var index = TryReadIndex();
        if (index is null || !IsFresh(index))
        {
            index = RefreshIndex();
        }

        return index.Builds.OrderBy(b => b.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Rebuilds index.json from active/ and returns it.</summary>
    public IndexFile RebuildIndex()
    {
        EnsureStoreDirectories();
        using (Locks.Acquire(Layout.IndexLock, "rebuild index"))
        {
            var index = new IndexFile { UpdatedAt = Now, Builds = ScanActive().ToList() };
            WriteAtomic(Layout.IndexFile, StoreJson.Serialize(index), sync: false);
            return index;
        }
    }

    private IndexFile RefreshIndex()
    {
        try
        {
            return RebuildIndex();
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.PermissionDenied or StoreErrorKind.DiskFull or StoreErrorKind.LockTimeout)
        {
            // A read-only, full or busy store still answers: from active/, without writing.
            return new IndexFile { UpdatedAt = Now, Builds = ScanActive().ToList() };
        }
    }

    private IndexFile? TryReadIndex()
    {
        if (!_fs.FileExists(Layout.IndexFile))
        {
            return null;
        }

        try
        {
            GuardNoLinks(Layout.IndexFile);
            var bytes = _fs.ReadAllBytes(Layout.IndexFile, StoreLimits.MaxIndexFileBytes);
            var version = Migrations.PeekSchemaVersion(bytes, Layout.IndexFile);
            if (version != StoreSchema.Current)
            {
                return null; // an index of another schema is simply rebuilt
            }

            var index = StoreJson.DeserializeIndex(bytes, Layout.IndexFile);
            return index.Builds is null || index.Builds.Any(b => b is null || string.IsNullOrEmpty(b.Id) || b.Id.Length > StoreLimits.MaxBuildIdLength || b.Key != BuildKey.For(b.Id)) ? null : index;
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.Corruption or StoreErrorKind.Validation or StoreErrorKind.NotFound)
        {
            return null;
        }
    }

    private bool IsFresh(IndexFile index)
    {
        var keys = ActiveKeys().ToHashSet(StringComparer.Ordinal);
        if (keys.Count != index.Builds.Count)
        {
            return false;
        }

        foreach (var entry in index.Builds)
        {
            if (!keys.Contains(entry.Key))
            {
                return false;
            }

            var stamp = _fs.GetFileStamp(Layout.StateFile(entry.Key));
            if (stamp is null || stamp.Value.Length != entry.StateLength || stamp.Value.WriteTicks != entry.StateWriteTicks)
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<string> ActiveKeys() =>
        _fs.EnumerateDirectories(Layout.ActiveDir).Select(Path.GetFileName).Where(n => n is not null && BuildKey.LooksLikeKey(n)).Select(n => n!);

    /// <summary>Index entries for every readable build in active/ (read-only: unreadable builds are skipped; `validate` reports them).</summary>
    private IEnumerable<IndexEntry> ScanActive()
    {
        foreach (var key in ActiveKeys())
        {
            var entry = TryEntryFor(key);
            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    private IndexEntry? TryEntryFor(string key)
    {
        var path = Layout.StateFile(key);
        try
        {
            var stamp = _fs.GetFileStamp(path);
            BuildRecord? record = null;
            if (stamp is not null)
            {
                try
                {
                    record = ReadStateFile(path);
                }
                catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption)
                {
                    record = null;
                }
            }

            if (record is null || BuildKey.For(record.Id) != key)
            {
                // Corrupt or missing: the newest whole history record still tells what the build is.
                var last = ScanHistory(key).Entries.LastOrDefault(e => e.Entry.State is not null);
                record = last.Entry?.State;
                if (record is null || BuildKey.For(record.Id) != key)
                {
                    return null;
                }
            }
            else
            {
                record = Load(key, record.Id, repair: false).Record ?? record;
            }

            return IndexEntry.From(record, key, stamp?.Length ?? -1, stamp?.WriteTicks ?? -1);
        }
        catch (BuildStateException)
        {
            return null;
        }
    }

    /// <summary>Puts one build's entry in the index. Called with the build lock held; takes the index lock (always last).</summary>
    private void UpdateIndexEntry(string key, BuildRecord record)
    {
        var stamp = _fs.GetFileStamp(Layout.StateFile(key));
        var entry = IndexEntry.From(record, key, stamp?.Length ?? -1, stamp?.WriteTicks ?? -1);
        ChangeIndex(builds =>
        {
            var at = builds.FindIndex(b => b.Key == key);
            if (at >= 0)
            {
                builds[at] = entry;
            }
            else
            {
                builds.Add(entry);
            }
        });
    }

    private void RemoveIndexEntry(string key) => ChangeIndex(builds => builds.RemoveAll(b => b.Key == key));

    private void ChangeIndex(Action<List<IndexEntry>> change)
    {
        using (Locks.Acquire(Layout.IndexLock, "update index"))
        {
            var index = TryReadIndex() ?? new IndexFile { Builds = ScanActive().ToList() };
            change(index.Builds);
            index.UpdatedAt = Now;
            WriteAtomic(Layout.IndexFile, StoreJson.Serialize(index), sync: false);
        }
    }
}
