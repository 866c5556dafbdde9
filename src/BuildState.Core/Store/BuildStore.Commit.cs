using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// A change to commit: the new state, the history record describing it, whether it must be
    /// durable now, and whether to keep a backup copy of the result (done when a run ends).
    /// </summary>
    internal readonly record struct Change(BuildRecord Record, HistoryEntry Entry, bool DurableNow, bool Backup = false)
    {
        /// <summary>
        /// Work that may only happen once the change is committed, still under the build's lock
        /// (deleting what the new state no longer refers to): a crash before it leaves garbage,
        /// never a state that refers to a deleted file.
        /// </summary>
        public Action? AfterCommit { get; init; }
    }

    /// <summary>
    /// Read-modify-write of one build under its lock: load (repairing what a crash left), apply
    /// <paramref name="change"/>, commit. Returns the committed state (the caller's to keep).
    /// </summary>
    internal BuildRecord Mutate(string buildId, string purpose, Func<BuildRecord?, Change?> change)
    {
        var key = BuildKey.For(buildId);
        EnsureStoreDirectories();
        using (Locks.Acquire(Layout.BuildLock(key), purpose))
        {
            var loaded = Load(key, buildId, repair: true);
            // The loaded record was just read from disk and is not shared: the change may edit it in place.
            var (sequence, historyBytes) = (loaded.Record?.Sequence ?? 0, loaded.Record?.HistoryBytes ?? 0);
            // Pattern matching, not Nullable's Value: .NET compiled Value for this struct in every MSBuild node (docs/benchmarks.md, section 1).
            if (change(loaded.Record) is not { } proposed)
            {
                if (loaded.Record is not null && loaded.NeedsWrite)
                {
                    CommitRepair(key, loaded);
                }

                return loaded.Record ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
            }

            var (record, entry, durableNow, backup) = proposed;
            var afterCommit = proposed.AfterCommit;
            if (!string.Equals(record.Id, buildId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("a change must not alter the build id");
            }

            var now = Now;
            record.SchemaVersion = StoreSchema.Current;
            record.Sequence = sequence + 1;
            record.UpdatedAt = now;
            record.HistoryBytes = historyBytes;
            entry.Sequence = record.Sequence;
            entry.At = now;
            entry.RunId ??= record.RunId;
            Commit(key, record, entry, durableNow, loaded.SnapshotSequence, loaded.LogStamp);
            if (backup)
            {
                WriteBackup(key, record, always: false);
            }

            afterCommit?.Invoke();
            return record;
        }
    }

    /// <summary>Writes back a state that loading repaired, recording the repair in history.</summary>
    private void CommitRepair(string key, LoadResult loaded)
    {
        var record = loaded.Record!;
        record.Sequence++;
        var entry = new HistoryEntry
        {
            Kind = HistoryKinds.Recovered,
            Sequence = record.Sequence,
            At = Now,
            RunId = record.RunId,
            // What was lost belongs in the record too: the repair that dropped it is this one.
            Message = string.Join("; ", loaded.Repairs.Concat(loaded.Lost.Select(l => "lost: " + l))),
        };
        Commit(key, record, entry, durableNow: true, snapshotSequence: -1, logBefore: null);
    }

    /// <summary>
    /// current_state.json is rewritten at most every this many commits between durable points: it
    /// is a snapshot of the log, which a load rolls forward by reading only what was appended since.
    /// </summary>
    internal const int SnapshotEvery = 8;

    /// <summary>
    /// The commit protocol, write-ahead style: (1) append the history record, which holds the whole
    /// new state: the commit point, and under Full or at a durable point the only fsync; (2) when due,
    /// replace the snapshot current_state.json atomically; (3) update the index. The log is the truth
    /// and the snapshot a cache of one of its records: a load rolls a snapshot that is behind forward
    /// from the records after it (reading only those) and rebuilds a torn one from the log; a stale
    /// index entry (its stamp is the log's) is refreshed. The snapshot is due at every durable point
    /// of a run (run end, checkpoint: <paramref name="durableNow"/>), when the build has none, and
    /// every <see cref="SnapshotEvery"/> commits; it is never fsynced: a power loss can only cost a
    /// copy that the log still holds (docs/store-format.md). <paramref name="logBefore"/>: the log's
    /// stamp as the load under this lock found it (so its folders exist and need no check), or null
    /// when the load took a slow path or found no log.
    /// </summary>
    private void Commit(string key, BuildRecord record, HistoryEntry entry, bool durableNow, long snapshotSequence, LogStamp? logBefore)
    {
        var logPath = Layout.HistoryLog(key);
        var syncLog = Options.Durability == Durability.Full || (durableNow && SyncAppendNow(logPath));
        if (logBefore is null)
        {
            EnsureBuildDirectories(key);
        }

        entry.State = record;
        var frame = HistoryLog.Frame(entry);
        entry.State = null;

        // Under the build's lock nobody else writes the log: the record goes at the end of the last
        // one (the state's historyBytes, which the load under this lock made exact), and the stamp
        // after it is this record's. The log may end in zeros written ahead: the record then goes
        // in place (IFileSystem.WriteRecord), so the file's length is no longer the log's.
        // Without a stamp the load took a slow path (a first record, a repair): the end is then
        // taken from a scan of the log itself, never from a state that may end before the log does.
        var offset = logBefore is null ? ScanHistory(key).ValidEnd : record.HistoryBytes;
        var logStamp = _fs.WriteRecord(logPath, offset, frame, logBefore, syncLog);
        if (offset == 0 && SyncDirectoryNow(Layout.HistoryDir(key)))
        {
            // This record starts the log (a new one, or one a repair emptied). A new log's name
            // lives in its folder: without this fsync a power loss can drop the whole file even
            // though its content was fsynced. Once per build, so even Normal pays it (under group
            // commit, at the flush).
            _fs.SyncDirectory(Layout.HistoryDir(key));
        }

        record.HistoryBytes = logStamp.End;
        if (durableNow || snapshotSequence < 0 || record.Sequence - snapshotSequence >= SnapshotEvery)
        {
            // In place and swapped in (IFileSystem.ReplaceFile): no inode created or freed per
            // snapshot. A reader without the lock that catches the file being rewritten sees its
            // checksum fail and reads it again (Load).
            _fs.ReplaceFile(Layout.StateFile(key), Layout.SpareStateFile(key), StoreJson.SerializeStateFile(record));
            snapshotSequence = record.Sequence;
        }

        Remember(key, record, logStamp, snapshotSequence);
        UpdateIndexEntry(key, record, logStamp);
    }

    /// <summary>Temp file in the same folder, write, optional fsync, rename over, optional directory fsync.</summary>
    internal void WriteAtomic(string path, byte[] bytes, bool sync)
    {
        // Unique enough without Guid.NewGuid's read of the system's random source: the process id
        // keeps processes apart, and the caller's lock keeps writers of one file apart.
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Random.Shared.NextInt64():x16}";
        try
        {
            _fs.WriteFile(temp, bytes, sync);
            _fs.Rename(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        if (sync)
        {
            _fs.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            if (_fs.FileExists(path))
            {
                _fs.DeleteFile(path);
            }
        }
        catch (BuildStateException)
        {
            // Best effort: a leftover temp file is harmless and `recover` removes it.
        }
    }

    private int _storeDirsReady;

    internal void EnsureStoreDirectoriesInternal() => EnsureStoreDirectories();

    private void EnsureStoreDirectories()
    {
        if (Volatile.Read(ref _storeDirsReady) == 1)
        {
            return;
        }

        if (_fs.IsSymbolicLink(Layout.Root))
        {
            throw RootLinkRefused();
        }

        var created = !_fs.DirectoryExists(Layout.Root);
        CreateDirectoryDurably(Layout.Root);
        if (created)
        {
            // The store is local state (paths, process ids, host names of this machine), not
            // source: a store folder the store makes itself keeps git out. A folder that already
            // existed (BuildStateRoot pointed at one of the user's) is left as it is.
            _fs.WriteFile(Path.Combine(Layout.Root, ".gitignore"), "# Made by BuildState: the store is local build state, not source.\n*\n"u8, sync: false);
        }

        CreateDirectoryDurably(Layout.ActiveDir);
        CreateDirectoryDurably(Layout.LocksDir);
        GuardNoLinks(Layout.ActiveDir);
        GuardNoLinks(Layout.LocksDir);
        Volatile.Write(ref _storeDirsReady, 1);
    }

    private void EnsureBuildDirectories(string key)
    {
        var historyDir = Layout.HistoryDir(key);
        if (_fs.DirectoryExists(historyDir))
        {
            return;
        }

        CreateDirectoryDurably(Layout.BuildDir(key));
        CreateDirectoryDurably(historyDir);
    }

    /// <summary>
    /// Creates a directory and, unless durability is None, fsyncs its parent (now, or at the flush
    /// under group commit) so the new entry survives power loss. Under Normal too: a later durable point (a run end) fsyncs files and their own
    /// folder, not the folders above, so the entry must be made durable when it is created. Folders
    /// are created once per build, so this costs little.
    /// </summary>
    private void CreateDirectoryDurably(string path)
    {
        if (_fs.DirectoryExists(path))
        {
            return;
        }

        _fs.CreateDirectory(path);
        if (Path.GetDirectoryName(path) is { } parent && _fs.DirectoryExists(parent) && SyncDirectoryNow(parent))
        {
            _fs.SyncDirectory(parent);
        }
    }
}
