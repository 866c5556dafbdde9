using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

/// <summary>
/// The index: <c>index.json</c> (a snapshot) plus <c>index.journal</c> (the changes since, one JSON
/// line each). A commit appends one line instead of rewriting the whole index, so its cost does not
/// grow with the number of builds; the journal is folded into the snapshot once it outgrows a
/// quarter of it (amortised O(1) per commit). Both are caches of active/, checked and never trusted blindly.
/// </summary>
public sealed partial class BuildStore
{
    /// <summary>
    /// The journal is folded into index.json once it is larger than this and than a quarter of the
    /// snapshot: a reader then parses at most a quarter more than the index itself, and a commit
    /// still writes O(1) bytes amortised (the snapshot is rewritten once per quarter of its size).
    /// </summary>
    internal const long IndexJournalFoldBytes = 64 * 1024;

    /// <summary>
    /// Every active build, from the index. An entry whose history log changed since it was indexed
    /// (a crash between the two writes) is read again; builds missing from the index are
    /// added and vanished ones dropped; what was found stale is written back (best effort). A corrupt
    /// index is rebuilt from active/. Costs one directory listing and one stat per build.
    /// </summary>
    public IReadOnlyList<IndexEntry> List() => ListWithUnreadable().Builds;

    /// <summary>
    /// <see cref="List"/>, and the build folders of active/ it had to leave out because neither their
    /// state nor their history could be read (readers show those instead of hiding them). A folder
    /// with no state file and no whole history record yet is a build being created, not reported.
    /// </summary>
    public BuildListing ListWithUnreadable()
    {
        var unreadable = new List<UnreadableBuild>();
        if (!_fs.DirectoryExists(Layout.Root))
        {
            return new BuildListing([], unreadable);
        }

        var index = TryReadIndex();
        if (index is null)
        {
            return new BuildListing(Sorted(RefreshIndex(unreadable).Builds), unreadable);
        }

        var known = index.Builds.ToDictionary(b => b.Key, StringComparer.Ordinal);
        var current = new List<IndexEntry>(known.Count);
        var refreshed = new List<IndexJournalRecord>();
        var active = ActiveKeys().ToHashSet(StringComparer.Ordinal);
        foreach (var key in active)
        {
            if (known.TryGetValue(key, out var entry) && IsFresh(entry))
            {
                current.Add(entry);
            }
            else if (TryEntryFor(key, unreadable, entry?.Id) is { } fresh)
            {
                current.Add(fresh);
                refreshed.Add(new IndexJournalRecord { Key = key, Entry = fresh });
            }
        }

        refreshed.AddRange(known.Keys.Where(k => !active.Contains(k)).Select(k => new IndexJournalRecord { Key = k }));
        if (refreshed.Count > 0)
        {
            TryWriteBack(refreshed);
        }

        return new BuildListing(Sorted(current), unreadable.OrderBy(u => u.Key, StringComparer.Ordinal).ToList());
    }

    private static List<IndexEntry> Sorted(IEnumerable<IndexEntry> builds) => builds.OrderBy(b => b.Id, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Rebuilds index.json from active/ and empties the journal. active/ is read first, without
    /// holding up any commit; journal lines appended meanwhile are newer than what was read for
    /// their build only when their sequence is higher, and only then are they kept. Lines already
    /// there when the rebuild began never are: the states read are at least as new as their
    /// commits, or older when a state was rolled back (a power loss, a state rebuilt from an older
    /// record), and then such a line describes a commit that is no longer there.
    /// </summary>
    public IndexFile RebuildIndex() => RebuildIndex(unreadable: null);

    private IndexFile RebuildIndex(List<UnreadableBuild>? unreadable)
    {
        EnsureStoreDirectories();
        using (Locks.Acquire(Layout.IndexLock, "rebuild index"))
        {
            var linesBefore = TryReadJournal().Count; // under the index lock the journal only grows: no fold can shorten it
            var builds = ScanActive(unreadable).ToDictionary(b => b.Key, StringComparer.Ordinal);
            var index = new IndexFile { UpdatedAt = Now };
            _fs.DrainAppends(Layout.IndexJournal, () =>
            {
                foreach (var line in TryReadJournal().Skip(linesBefore))
                {
                    if (line.Entry is { } newer && (!builds.TryGetValue(line.Key, out var scanned) || newer.Sequence > scanned.Sequence)
                        && _fs.DirectoryExists(Layout.BuildDir(line.Key)))
                    {
                        builds[line.Key] = newer;
                    }
                }

                index.Builds = Sorted(builds.Values);
                WriteAtomic(Layout.IndexFile, StoreJson.Serialize(index), sync: false);
            });
            return index;
        }
    }

    /// <summary>The journal's lines, or none when it is unreadable (a rebuild replaces it anyway).</summary>
    private List<IndexJournalRecord> TryReadJournal()
    {
        try
        {
            return ReadJournal();
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.Corruption or StoreErrorKind.Validation or StoreErrorKind.NotFound)
        {
            return [];
        }
    }

    private IndexFile RefreshIndex(List<UnreadableBuild> unreadable)
    {
        try
        {
            return RebuildIndex(unreadable);
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.PermissionDenied or StoreErrorKind.DiskFull or StoreErrorKind.LockTimeout)
        {
            // A read-only, full or busy store still answers: from active/, without writing.
            unreadable.Clear(); // the scan below finds them again
            return new IndexFile { UpdatedAt = Now, Builds = ScanActive(unreadable).ToList() };
        }
    }

    /// <summary>The snapshot with the journal applied, or null when either is unusable (then the index is rebuilt).</summary>
    private IndexFile? TryReadIndex()
    {
        try
        {
            return ReadIndex();
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.Corruption or StoreErrorKind.Validation or StoreErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The snapshot with the journal applied in order (the last line for a key wins). A missing
    /// snapshot counts as empty (a new store has only a journal). A journal line cut off by a crash
    /// or still being appended (no newline yet) is ignored: the entry it would have updated is found
    /// stale by its file stamp. Anything else malformed throws a corruption error naming the file.
    /// </summary>
    internal IndexFile ReadIndex()
    {
        var index = ReadSnapshot() ?? new IndexFile();
        var builds = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        foreach (var entry in index.Builds)
        {
            if (!builds.TryAdd(entry.Key, entry))
            {
                throw BuildStateException.Corrupt(Layout.IndexFile, $"build key {entry.Key} is listed twice");
            }
        }

        foreach (var record in ReadJournal())
        {
            if (record.Entry is null)
            {
                builds.Remove(record.Key);
            }
            else
            {
                builds[record.Key] = record.Entry;
            }
        }

        index.Builds = builds.Values.ToList();
        return index;
    }

    private IndexFile? ReadSnapshot()
    {
        var path = Layout.IndexFile;
        if (!_fs.FileExists(path))
        {
            return null;
        }

        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxIndexFileBytes);
        var version = Migrations.PeekSchemaVersion(bytes, path);
        if (version != StoreSchema.Current)
        {
            throw BuildStateException.Corrupt(path, $"the index has schema version {version}; it is rebuilt");
        }

        var index = StoreJson.DeserializeIndex(bytes, path);
        if (index.Builds is null || index.Builds.Any(b => !IsWellFormed(b)))
        {
            throw BuildStateException.Corrupt(path, "an index entry has no id, an over-long id or a key that does not match its id");
        }

        return index;
    }

    private List<IndexJournalRecord> ReadJournal()
    {
        var path = Layout.IndexJournal;
        var records = new List<IndexJournalRecord>();
        if (!_fs.FileExists(path))
        {
            return records;
        }

        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxIndexFileBytes);
        var span = bytes.AsSpan();
        var line = 0;
        for (int start = 0, end; start < span.Length; start = end + 1)
        {
            line++;
            end = span[start..].IndexOf((byte)'\n') is var at and >= 0 ? start + at : -1;
            if (end < 0)
            {
                break; // a line without its newline: cut off by a crash, or being appended right now
            }

            var record = StoreJson.DeserializeIndexJournal(span[start..end], $"{path}:{line}");
            if (string.IsNullOrEmpty(record.Key) || !BuildKey.LooksLikeKey(record.Key) || (record.Entry is not null && (!IsWellFormed(record.Entry) || record.Entry.Key != record.Key)))
            {
                throw BuildStateException.Corrupt($"{path}:{line}", "a journal line has no valid build key, or an entry that does not match it");
            }

            records.Add(record);
        }

        return records;
    }

    private static bool IsWellFormed(IndexEntry? entry) =>
        entry is not null && !string.IsNullOrEmpty(entry.Id) && entry.Id.Length <= StoreLimits.MaxBuildIdLength && entry.Key == BuildKey.For(entry.Id);

    /// <summary>An entry is fresh while its build's log is as the entry saw it: nothing written after the record it was made from.</summary>
    private bool IsFresh(IndexEntry entry) =>
        entry.LogStamp is { } stamp && _fs.IsLogUnchanged(Layout.HistoryLog(entry.Key), stamp);

    private IEnumerable<string> ActiveKeys() =>
        _fs.EnumerateDirectories(Layout.ActiveDir).Select(Path.GetFileName).Where(n => n is not null && BuildKey.LooksLikeKey(n)).Select(n => n!);

    /// <summary>
    /// Index entries for every readable build in active/ (read-only). Unreadable builds are left
    /// out of the entries and, when <paramref name="unreadable"/> is given, added to it.
    /// </summary>
    private IEnumerable<IndexEntry> ScanActive(List<UnreadableBuild>? unreadable = null)
    {
        foreach (var key in ActiveKeys())
        {
            var entry = TryEntryFor(key, unreadable);
            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// The build's index entry, or null when it cannot be made; then, when the build has been
    /// committed (or cannot even be looked at), what is wrong is added to <paramref name="unreadable"/>.
    /// </summary>
    private IndexEntry? TryEntryFor(string key, List<UnreadableBuild>? unreadable = null, string? lastKnownId = null)
    {
        var path = Layout.StateFile(key);
        try
        {
            // Taken before reading: a commit in between leaves the entry stale, never wrongly fresh.
            var logFile = _fs.GetFileIdentity(Layout.HistoryLog(key));
            BuildRecord? record = null;
            BuildStateException? stateProblem = null;
            var hasState = _fs.FileExists(path);
            if (hasState)
            {
                try
                {
                    record = ReadStateFile(path);
                }
                catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption)
                {
                    stateProblem = e;
                    record = null;
                }
            }

            if (record is null || BuildKey.For(record.Id) != key)
            {
                // Corrupt or missing: the newest whole history record still tells what the build is.
                var stateIsOtherBuild = record is not null;
                var last = ScanHistory(key).Entries.LastOrDefault(e => e.Entry.State is not null);
                var fromHistory = last.Entry?.State;
                if (fromHistory is null || BuildKey.For(fromHistory.Id) != key)
                {
                    // No state file and no whole record: a build whose first commit is being written (or
                    // never was), as recovery counts it too. Anything else is damage to report.
                    if (hasState)
                    {
                        var what = stateIsOtherBuild
                            ? $"it holds the state of another build ('{record!.Id}') and its history has no readable state of this one"
                            : $"{stateProblem?.Message ?? "it cannot be read"}; its history has no readable state either";
                        unreadable?.Add(new UnreadableBuild(key, lastKnownId, path, StoreErrorKind.Corruption, what));
                    }

                    return null;
                }

                record = fromHistory;
                record.HistoryBytes = last.End;
            }
            else
            {
                record = Load(key, record.Id, repair: false).Record ?? record;
            }

            return IndexEntry.From(record, key, StampOf(logFile, record.HistoryBytes));
        }
        catch (BuildStateException e)
        {
            // A build archived or being moved meanwhile (not found) or busy is not damage.
            if (e.Kind is not (StoreErrorKind.NotFound or StoreErrorKind.LockTimeout))
            {
                unreadable?.Add(new UnreadableBuild(key, lastKnownId, e.FilePath ?? path, e.Kind, e.Message));
            }

            return null;
        }
    }

    /// <summary>Puts one build's entry in the index. Called with the build lock held; takes the index lock (always last).</summary>
    private void UpdateIndexEntry(string key, BuildRecord record, LogStamp? stamp)
    {
        var entry = IndexEntry.From(record, key, stamp);
        AppendToIndex([new IndexJournalRecord { Key = key, Entry = entry }]);
    }

    private void RemoveIndexEntry(string key) => AppendToIndex([new IndexJournalRecord { Key = key }]);

    /// <summary>
    /// Writes back what a reader found stale, without holding any build lock. Under the index lock
    /// each entry is kept only if it is still what the build holds: its state file has the stamp the
    /// reader saw and the index has nothing newer (a writer may have committed meanwhile). Best
    /// effort: a read-only, full or busy store simply answers without writing.
    /// </summary>
    private void TryWriteBack(List<IndexJournalRecord> refreshed)
    {
        try
        {
            EnsureStoreDirectories();
            using (Locks.Acquire(Layout.IndexLock, "refresh index"))
            {
                var now = TryReadIndex()?.Builds.ToDictionary(b => b.Key, StringComparer.Ordinal);
                var current = refreshed.Where(r => r.Entry is null
                    ? !_fs.DirectoryExists(Layout.BuildDir(r.Key))
                    : IsFresh(r.Entry) && !(now?.TryGetValue(r.Key, out var indexed) == true && indexed.Sequence > r.Entry.Sequence)).ToList();
                AppendLocked(current);
            }
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.PermissionDenied or StoreErrorKind.DiskFull or StoreErrorKind.LockTimeout or StoreErrorKind.Corruption)
        {
            // The answer is right without the write-back; the next reader tries again.
        }
    }

    /// <summary>
    /// Appends journal lines. Where the file system makes concurrent appends safe (Linux: O_APPEND
    /// under a shared flock of the journal itself) no lock is taken, so commits to different builds
    /// never wait for each other here; elsewhere the index lock serialises them.
    /// </summary>
    private void AppendToIndex(IReadOnlyList<IndexJournalRecord> records)
    {
        if (_fs.AppendsAreConcurrent)
        {
            AppendLocked(records, holdingIndexLock: false);
            return;
        }

        using (Locks.Acquire(Layout.IndexLock, "update index"))
        {
            AppendLocked(records);
        }
    }

    /// <summary>
    /// Appends journal lines and folds the journal into the snapshot when it outgrows it. The caller
    /// holds the index lock unless appends are concurrent (then the fold takes it).
    /// </summary>
    private void AppendLocked(IReadOnlyList<IndexJournalRecord> records, bool holdingIndexLock = true)
    {
        if (records.Count == 0)
        {
            return;
        }

        using var lines = new MemoryStream();
        foreach (var record in records)
        {
            lines.Write(StoreJson.SerializeCompact(record));
            lines.WriteByte((byte)'\n');
        }

        // A line cut off by a crash stays in front of this one and makes it malformed: readers
        // then refuse the journal and rebuild the index from active/, which empties the journal.
        var journalBytes = _fs.AppendConcurrent(Layout.IndexJournal, lines.GetBuffer().AsSpan(0, (int)lines.Length));
        if (JournalNeedsFolding(journalBytes))
        {
            if (!holdingIndexLock)
            {
                // The change is committed already: if another process holds the index lock (it is
                // folding or rebuilding the index), leave the fold to it or to a later commit.
                using var folding = Locks.TryAcquire(Layout.IndexLock, "fold index");
                if (folding is not null)
                {
                    FoldJournal(onlyIfLarge: true);
                }
            }
            else
            {
                FoldJournal(onlyIfLarge: false);
            }
        }
    }

    private bool JournalNeedsFolding(long journalBytes) =>
        journalBytes > IndexJournalFoldBytes && journalBytes > (_fs.GetFileStamp(Layout.IndexFile)?.Length ?? 0) / 4;

    /// <summary>
    /// Writes the snapshot with the journal applied and empties the journal (caller holds the index
    /// lock), while no append is in progress. index.json is replaced atomically before the journal is
    /// emptied: a crash in between leaves lines already in the snapshot, and replaying them again
    /// changes nothing.
    /// </summary>
    private void FoldJournal(bool onlyIfLarge)
    {
        if (onlyIfLarge && !JournalNeedsFolding(_fs.GetFileStamp(Layout.IndexJournal)?.Length ?? 0))
        {
            return; // another process folded it while this one waited for the lock
        }

        _fs.DrainAppends(Layout.IndexJournal, () =>
        {
            var index = TryReadIndex() ?? new IndexFile { Builds = ScanActive().ToList() };
            index.UpdatedAt = Now;
            index.Builds = Sorted(index.Builds);
            WriteAtomic(Layout.IndexFile, StoreJson.Serialize(index), sync: false);
        });
    }
}
