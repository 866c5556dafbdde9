using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// How a state was obtained: what a reader or a repair found. <paramref name="SnapshotSequence"/>
    /// is the sequence current_state.json holds (-1 when it is missing or unusable): a commit uses it
    /// to decide when the snapshot is next due. <paramref name="LogStamp"/>: the history log's stamp
    /// (its end the record's) when the state came from an unchanged, undamaged log (the fast paths);
    /// null otherwise.
    /// </summary>
    internal sealed record LoadResult(BuildRecord? Record, List<string> Repairs, bool NeedsWrite, long SnapshotSequence = -1, LogStamp? LogStamp = null)
    {
        /// <summary>What could not be saved: history records that are gone or could not be read (each line names the log and the sequences).</summary>
        public List<string> Lost { get; init; } = [];
    }

    /// <summary>The stamp of a log file (length and identity, taken before it was read) whose last record ends at <paramref name="end"/>.</summary>
    private static LogStamp? StampOf((long Length, long Identity)? file, long end) =>
        file is { } f ? new LogStamp(f.Length, f.Identity, end) : null;

    /// <summary>Reads and parses one state file (migrating older schema versions in memory).</summary>
    internal BuildRecord ReadStateFile(string path)
    {
        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes);
        return ParseState(bytes, path);
    }

    /// <summary>
    /// Reads current_state.json. The writer rewrites the snapshot in place (a spare swapped in), so a
    /// reader without the build's lock can catch the file it opened being rewritten: its checksum
    /// then fails, and a second read (of the file now swapped in) is whole. Only a file that fails
    /// three reads in a row, or any failure under the lock (nobody else writes then), is damage.
    /// </summary>
    private BuildRecord ReadSnapshot(string path, bool lockHeld)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return ReadStateFile(path);
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption && !lockHeld && attempt < 3)
            {
                Interlocked.Increment(ref SnapshotRereads);
            }
        }
    }

    /// <summary>How many times a lock-free read of a snapshot failed and was read again (tests).</summary>
    internal int SnapshotRereads;

    internal static BuildRecord ParseState(byte[] bytes, string path)
    {
        try
        {
            StoreJson.VerifyStateChecksum(bytes, path);
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption && Migrations.NewerVersionOf(bytes, path) is { } newer)
        {
            throw Migrations.NewerSchema(path, newer); // its writer may check its files differently: not damage as far as this code can tell
        }

        var version = Migrations.PeekSchemaVersion(bytes, path);
        if (version != StoreSchema.Current)
        {
            bytes = Migrations.UpgradeState(bytes, version, path);
        }

        var record = StoreJson.DeserializeState(bytes, path);
        CheckShape(record, path);
        return record;
    }

    private static void CheckShape(BuildRecord record, string path)
    {
        if (string.IsNullOrEmpty(record.Id) || string.IsNullOrEmpty(record.Phase) || string.IsNullOrEmpty(record.Lifecycle))
        {
            throw BuildStateException.Corrupt(path, "the state has no id, phase or lifecycle");
        }

        if (record.Sequence < 0 || record.HistoryBytes < 0 || record.EarlierTransitions < 0)
        {
            throw BuildStateException.Corrupt(path, "the state has a negative sequence, history length or count of earlier transitions");
        }

        if (record.Transitions is null || record.Artifacts is null || record.Dependencies is null || record.Checkpoints is null
            || record.Errors is null || record.Resources?.PhaseDurationsMs is null || record.Metadata is null)
        {
            throw BuildStateException.Corrupt(path, "the state has a list or object that is null");
        }

        // Values that would not survive being written back, or would reach file names.
        if (record.Transitions.Any(t => t is null || !double.IsFinite(t.DurationMs))
            || record.Resources is null
            || !record.Resources.PhaseDurationsMs.AllFinite())
        {
            throw BuildStateException.Corrupt(path, "the state holds a missing transition or a duration that is not a finite number");
        }

        if (record.Checkpoints.Any(c => c is null || !IsSafeCheckpointId(c.Id))
            || record.Artifacts.Any(a => a is null) || record.Errors.Any(e => e is null)
            || record.Dependencies.Any(d => d is null) || record.Metadata is null)
        {
            throw BuildStateException.Corrupt(path, "the state holds a null entry or a checkpoint id that is not a safe file name");
        }
    }

    /// <summary>Checkpoint ids become file names: letters, digits, '-' and '_' only, at most 100 characters.</summary>
    internal static bool IsSafeCheckpointId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A read for queries: never writes, never takes a lock; rolls forward to newer history in memory.</summary>
    private BuildRecord? ReadForQuery(string key, string buildId) => Load(key, buildId, repair: false).Record;

    /// <summary>
    /// Loads the newest committed state of a build. The state file is the fast path; the history log
    /// is the truth: records past the state's <see cref="BuildRecord.HistoryBytes"/> are newer
    /// commits (a crash between the two writes) and win. A corrupt state is rebuilt from history or,
    /// failing that, the newest valid backup. With <paramref name="repair"/> (caller holds the build
    /// lock) a torn history tail is cut and kept aside in damaged/. The fast path trusts a log whose
    /// length is what the state recorded; <paramref name="verifyHistory"/> (recovery) reads it anyway,
    /// since a power loss can leave the right length with lost pages inside.
    /// </summary>
    internal LoadResult Load(string key, string buildId, bool repair, bool verifyHistory = false)
    {
        var repairs = new List<string>();
        var statePath = Layout.StateFile(key);
        var buildDir = Layout.BuildDir(key);
        if (!BuildFolderExists(buildDir))
        {
            return new LoadResult(null, repairs, false);
        }

        if (!verifyHistory && TryRecent(key, buildId) is { } recent)
        {
            return recent; // this object made or saw the last change, and the log has not changed since
        }

        BuildRecord? state = null;
        BuildStateException? stateError = null;
        if (_fs.FileExists(statePath))
        {
            try
            {
                state = ReadSnapshot(statePath, lockHeld: repair);
                if (!string.Equals(state.Id, buildId, StringComparison.Ordinal))
                {
                    throw BuildStateException.Corrupt(statePath, $"the state belongs to build '{state.Id}', not '{buildId}'");
                }
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption)
            {
                stateError = e;
                state = null;
            }
        }

        var logPath = Layout.HistoryLog(key);
        var logFile = _fs.GetFileIdentity(logPath);
        var logLength = logFile?.Length ?? 0;
        var needsWrite = false;

        if (state is not null && logLength == state.HistoryBytes && !verifyHistory)
        {
            var stamp = StampOf(logFile, state.HistoryBytes);
            Remember(key, state, stamp, state.Sequence);
            return new LoadResult(state, repairs, false, state.Sequence, stamp); // the snapshot is current: one read, one stat
        }

        if (state is not null && logLength > state.HistoryBytes && !verifyHistory
            && RollForward(key, buildId, state, repair) is { } rolled)
        {
            var stamp = StampOf(logFile, rolled.HistoryBytes);
            Remember(key, rolled, stamp, state.Sequence);
            return new LoadResult(rolled, repairs, false, state.Sequence, stamp); // the snapshot is behind its log, as between snapshots
        }

        // The state is missing, corrupt, or the log has more (or less) than the state has seen.
        var scan = logFile is null ? null : ScanHistory(key);
        if (scan?.FirstNewer is { } newerRecord)
        {
            throw Migrations.NewerSchema(logPath, newerRecord.SchemaVersion); // a newer tool writes this log: neither read nor repaired here
        }

        var lost = new List<string>();
        LoadResult Result(BuildRecord? record, bool write, long snapshot = -1) => new(record, repairs, write, snapshot) { Lost = lost };

        // Records the state counted that the log no longer holds whole: gone (a log cut short or
        // deleted) or damaged at its end. The state itself is intact; those history records are lost.
        var lastSequence = scan is { Entries.Count: > 0 } ? scan.Entries[^1].Entry.Sequence : 0;
        var stateAhead = state is not null && state.Sequence > lastSequence;
        if (stateAhead)
        {
            lost.Add(MissingRecords(logPath, logFile is null, scan, lastSequence, state!));
        }

        if (scan is not null && !scan.IsClean)
        {
            scan = RepairHistory(key, scan, reportTail: !stateAhead, repair, repairs, lost, ref needsWrite);
        }

        var logRewritten = needsWrite; // records moved: the state's history length is fixed below, not a difference of content

        // Nullable on purpose: LastOrDefault of a tuple would be a default tuple, not "none".
        (HistoryEntry Entry, long End)? last = scan?.Entries.LastOrDefault(e => IsUsableHistoryState(e.Entry, buildId)) is { Entry: not null } found ? found : null;
        if (state is not null)
        {
            if (last is { } newer && newer.Entry.Sequence > state.Sequence)
            {
                // The snapshot is behind its log (normal between snapshots): only damage is a repair.
                var snapshot = state.Sequence;
                state = FromHistory(newer.Entry, newer.End);
                return Result(state, needsWrite, needsWrite ? -1 : snapshot);
            }
            else if (verifyHistory && last is { } same && same.Entry.Sequence == state.Sequence
                && !IsCopyOf(state, same.Entry.State!, logRewritten ? state.HistoryBytes : same.End))
            {
                var aside = repair ? KeepAside(statePath, key) : null;
                repairs.Add($"{statePath} differed from history record {state.Sequence}, which it is a copy of: rewrote it from that record{KeptIn(aside, "the old file")}");
                return Result(FromHistory(same.Entry, same.End), true);
            }
            else if ((scan?.ValidEnd ?? 0) is var end && end != state.HistoryBytes)
            {
                repairs.Add($"set the history length in {statePath} from {state.HistoryBytes} to {end} bytes, the end of the log's last whole record, so that new records follow it");
                state.HistoryBytes = end;
                needsWrite = true;
            }

            return Result(state, needsWrite, needsWrite ? -1 : state.Sequence);
        }

        var why = stateError is not null ? $"{statePath} could not be read ({stateError.Message})" : $"{statePath} was missing";
        if (stateError is null && _fs.FileExists(statePath) is false && last is null)
        {
            return Result(null, false); // an empty build folder: nothing was ever committed
        }

        var damaged = stateError is not null && repair ? KeepAside(statePath, key) : null;
        if (last is { } fromLog)
        {
            repairs.Add($"restored the state from history record {fromLog.Entry.Sequence}: {why}{KeptIn(damaged, "the damaged file")}");
            return Result(FromHistory(fromLog.Entry, fromLog.End), true);
        }

        var backup = NewestValidBackup(key, buildId);
        if (backup is not null)
        {
            repairs.Add($"restored the state from backup {backup.Value.Path} (sequence {backup.Value.Record.Sequence}): {why}, and history holds no whole record of the build{KeptIn(damaged, "the damaged file")}");
            backup.Value.Record.HistoryBytes = scan?.ValidEnd ?? 0;
            return Result(backup.Value.Record, true);
        }

        throw stateError ?? BuildStateException.Corrupt(statePath, "the state file is missing and neither history nor backups hold a copy");
    }

    /// <summary>
    /// The newest state from the records appended since the snapshot <paramref name="state"/> was
    /// written: the log is read from the snapshot's length on, and only its last record is parsed.
    /// Null when that part of the log is not a clean run of records that continue the snapshot (then
    /// the whole log is scanned, and repaired when <paramref name="repair"/>); a record cut off at the
    /// end is skipped by a reader, while a writer (holding the lock) has it repaired.
    /// </summary>
    private BuildRecord? RollForward(string key, string buildId, BuildRecord state, bool repair)
    {
        var path = Layout.HistoryLog(key);
        GuardNoLinks(path);
        var tail = _fs.ReadFrom(path, state.HistoryBytes, StoreLimits.MaxHistoryFileBytes);
        if (HistoryLog.IsEmptyTail(tail))
        {
            return state; // only zeros written ahead follow the snapshot's record: it is the newest
        }

        if (HistoryLog.ReadLast(tail, path, out var torn) is not { } last || (torn && repair)
            || last.Entry.Sequence <= state.Sequence || !IsUsableHistoryState(last.Entry, buildId))
        {
            return null;
        }

        return FromHistory(last.Entry, state.HistoryBytes + last.End);
    }

    /// <summary>
    /// True when <paramref name="snapshot"/> is what the history record <paramref name="logged"/>
    /// (ending at <paramref name="end"/>) holds; records of another schema version are not compared.
    /// </summary>
    internal static bool IsCopyOf(BuildRecord snapshot, BuildRecord logged, long end)
    {
        if (logged.SchemaVersion != snapshot.SchemaVersion)
        {
            return true;
        }

        var historyBytes = logged.HistoryBytes;
        logged.HistoryBytes = end;
        var same = StoreJson.Serialize(logged).AsSpan().SequenceEqual(StoreJson.Serialize(snapshot));
        logged.HistoryBytes = historyBytes;
        return same;
    }

    /// <summary>A history record whose state belongs to this build and passes the same shape checks as a state file.</summary>
    private static bool IsUsableHistoryState(HistoryEntry entry, string buildId)
    {
        if (entry.State is null || !string.Equals(entry.State.Id, buildId, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            CheckShape(entry.State, "(history)");
            return true;
        }
        catch (BuildStateException)
        {
            return false;
        }
    }

    private static BuildRecord FromHistory(HistoryEntry entry, long end)
    {
        var state = entry.State!; // just parsed from the log: not shared, no copy needed
        state.HistoryBytes = end;
        return state;
    }

    internal HistoryScan ScanHistory(string key)
    {
        var path = Layout.HistoryLog(key);
        if (!_fs.FileExists(path))
        {
            return new HistoryScan([], 0, false, []);
        }

        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxHistoryFileBytes);
        return HistoryLog.Scan(bytes, path);
    }

    /// <summary>Copies a damaged file into damaged/ before anything replaces it: nothing is lost silently. Returns the copy (null when there was no file).</summary>
    internal string? KeepAside(string path, string key)
    {
        if (!_fs.FileExists(path))
        {
            return null;
        }

        var bytes = _fs.ReadAllBytes(path, long.MaxValue);
        var aside = DamagedPath(key, Path.GetFileName(path));
        _fs.WriteFile(aside, bytes, sync: Options.Durability != Durability.None);
        return aside;
    }

    /// <summary>"; the damaged file is kept in PATH" for a repair's line, or nothing when nothing was kept.</summary>
    private static string KeptIn(string? aside, string what) => aside is null ? "" : $"; {what} is kept in {aside}";

    private string DamagedPath(string key, string fileName)
    {
        var dir = Path.Combine(Layout.DamagedDir, key);
        _fs.CreateDirectory(dir);
        return Path.Combine(dir, $"{Now:yyyyMMddTHHmmssfffZ}-{Guid.NewGuid():N}"[..36] + "-" + fileName);
    }
}
