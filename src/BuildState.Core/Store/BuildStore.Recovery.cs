using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Repairs what crashes leave: a corrupt or missing current state is rebuilt from history or the
    /// newest valid backup (the damaged file is kept in damaged/), a torn history tail is cut and
    /// kept aside, a state behind its history is rolled forward, a checkpoint that cannot be restored
    /// is dropped and reported lost (its file and copies set aside in damaged/), runs whose owner is gone are
    /// marked Interrupted (and, when the whole store is recovered, the files of writers that died are
    /// removed), leftover temp files are removed, and the index is rebuilt.
    /// </summary>
    public RecoveryReport Recover(string? buildId = null)
    {
        var report = new RecoveryReport();
        if (!Exists)
        {
            return report;
        }

        EnsureStoreDirectories();
        var keys = buildId is null
            ? ActiveKeys().ToList()
            : [BuildKey.For(buildId)];
        var lastActivity = LastActivityFromIndex(); // read once, and only if a run is marked
        foreach (var key in keys)
        {
            RecoverOne(key, buildId, report, lastActivity);
        }

        if (buildId is null)
        {
            // Every build was recovered, runs of dead owners included: crashed writers' traces are done with.
            foreach (var trace in DeadWriterFiles(own: null))
            {
                TryDelete(trace);
            }

            RebuildIndex();
            report.IndexRebuilt = true;
        }
        else if (_fs.GetFileIdentity(Layout.HistoryLog(BuildKey.For(buildId))) is var logFile && TryGet(buildId) is { } record)
        {
            // One build: its own entry is enough (rebuilding the whole index reads every state). The
            // log's length and identity are taken first: a commit racing the read leaves the entry
            // stale, never wrongly fresh.
            UpdateIndexEntry(BuildKey.For(buildId), record, StampOf(logFile, record.HistoryBytes));
        }

        return report;
    }

    private void RecoverOne(string key, string? knownId, RecoveryReport report, Lazy<Dictionary<string, DateTimeOffset>> lastActivity)
    {
        string? recovered;
        using (Locks.Acquire(Layout.BuildLock(key), "recover"))
        {
            try
            {
                recovered = RecoverLocked(key, knownId, report);
            }
            catch (BuildStateException e)
            {
                report.NotRecovered(e);
                return;
            }
        }

        if (recovered is not null && MarkInterrupted(recovered, null, onlyIfOwnerDead: true, lastActivity: lastActivity))
        {
            report.Interrupted.Add(recovered);
        }
    }

    /// <summary>Recovers one build under its lock. Returns its id, or null when no build is left in the folder (moved aside, or empty).</summary>
    private string? RecoverLocked(string key, string? knownId, RecoveryReport report)
    {
        RemoveTempFiles(Layout.BuildDir(key), report);
        var id = knownId ?? IdOf(key);
        if (id is null)
        {
            // Nothing readable, and all of it damaged (IdOf throws for a file it was refused): a crash
            // during the build's very first write, or a power loss that took writes the durability
            // mode did not promise to keep. The folder is moved whole to damaged/ (nothing is
            // deleted) so the store is valid again, and the loss is reported.
            var never = NeverCommitted(key);
            var aside = Path.Combine(Layout.DamagedDir, $"{key}.{Now:yyyyMMddTHHmmssfff}.{(never ? "uncommitted" : "unreadable")}");
            _fs.CreateDirectory(Layout.DamagedDir);
            Forget(key);
            _fs.MoveDirectory(Layout.BuildDir(key), aside);
            if (never)
            {
                report.Repaired.Add($"{Layout.BuildDir(key)}: held no committed record (a crash during its first write); moved to {aside}");
            }
            else
            {
                report.Lost.Add($"{Layout.BuildDir(key)}: neither the state, its history nor a backup is readable; the folder was moved to {aside}");
            }

            return null;
        }

        var loaded = Load(key, id, repair: true, verifyHistory: true);
        if (loaded.Record is null)
        {
            return null;
        }

        // Checkpoints that cannot be restored are lost, not repaired: set aside (with every copy they
        // may have needed) before the state that drops them is committed, and reported as lost.
        // Files the state does not list but whose commit is newer than it are kept the same way: they
        // may be checkpoints the rebuilt state lost (BuildStore.UnlistedCheckpoints.cs).
        var historyLost = loaded.Lost.Count > 0;
        var triage = TriageCheckpoints(key, loaded.Record, report);
        AddUnlistedNewerCheckpoints(key, loaded.Record, triage, report);
        var unlisted = new List<string>();
        if (triage.Dropped.Count > 0)
        {
            var aside = SetAside(key, triage);
            foreach (var dropped in triage.Dropped)
            {
                if (dropped.Listed)
                {
                    loaded.Record.Checkpoints.Remove(dropped.Reference);
                    loaded.Lost.Add(LostLine(dropped, aside));
                }
                else
                {
                    unlisted.Add(UnlistedLine(dropped, aside));
                }
            }
        }

        if (loaded.NeedsWrite || loaded.Repairs.Count > 0 || triage.Dropped.Any(d => d.Listed))
        {
            CommitRepair(key, loaded);
            report.Repaired.AddRange(loaded.Repairs.Select(r => $"{id}: {r}"));
        }

        // Lost when history went too (the state is older than what was committed), else a cut-off commit's file, repaired.
        (historyLost ? report.Lost : report.Repaired).AddRange(unlisted.Select(u => $"{id}: {u}"));

        report.Lost.AddRange(loaded.Lost.Select(l => $"{id}: {l}"));

        // The dropped checkpoints' files are kept aside: deleting the originals is no removal to report.
        foreach (var file in triage.Dropped.Select(d => d.Reference.Id).Where(IsSafeCheckpointId).Select(c => Layout.CheckpointFile(key, c)))
        {
            if (_fs.FileExists(file))
            {
                _fs.DeleteFile(file);
            }
        }

        if (DeleteUnreferencedCheckpointFiles(key, loaded.Record) is var removed and > 0)
        {
            report.Repaired.Add($"{id}: removed {removed} checkpoint file(s) or copies no checkpoint refers to");
        }

        return id;
    }

    /// <summary>True when a build folder has no state file, no whole history record and no backup.</summary>
    private bool NeverCommitted(string key) =>
        !_fs.FileExists(Layout.StateFile(key))
        && !_fs.EnumerateFiles(Layout.BackupDir(key), "*.json").Any()
        && ScanHistory(key).Entries.Count == 0;

    /// <summary>
    /// The build id stored in a key's folder: from the state, else the newest history record, else a
    /// backup; null when every one of them is damaged or missing. When none could be read and one of
    /// them was refused for another reason (no permission, a symbolic link, a newer schema), that
    /// error is thrown: such a file is not proven damaged, so its folder must not be moved aside.
    /// </summary>
    private string? IdOf(string key)
    {
        BuildStateException? refused = null;

        try
        {
            return ReadStateFile(Layout.StateFile(key)).Id;
        }
        catch (BuildStateException e)
        {
            refused ??= IsDamage(e) ? null : e;
        }

        try
        {
            var scan = ScanHistory(key);
            if (scan.FirstNewer is { } newer)
            {
                refused ??= Migrations.NewerSchema(Layout.HistoryLog(key), newer.SchemaVersion);
            }

            var last = scan.Entries.LastOrDefault(e => e.Entry.State is not null);
            if (last.Entry?.State?.Id is { } fromLog)
            {
                return fromLog;
            }
        }
        catch (BuildStateException e)
        {
            refused ??= IsDamage(e) ? null : e;
        }

        foreach (var backup in BackupFiles(key))
        {
            try
            {
                return ReadStateFile(backup).Id;
            }
            catch (BuildStateException e)
            {
                refused ??= IsDamage(e) ? null : e;
            }
        }

        return refused is null ? null : throw refused;
    }

    /// <summary>
    /// True for what proves a file damaged (or gone): only then may recovery replace it or move it
    /// aside. A refused read (permission, a link) or a file of a newer schema is not damage.
    /// </summary>
    internal static bool IsDamage(BuildStateException e) => e.Kind is StoreErrorKind.Corruption or StoreErrorKind.NotFound;

    private void RemoveTempFiles(string dir, RecoveryReport report)
    {
        foreach (var temp in _fs.EnumerateFiles(dir, "*.tmp-*").ToList())
        {
            _fs.DeleteFile(temp);
            report.TempFilesRemoved++;
        }
    }
}

/// <summary>What <see cref="BuildStore.Recover"/> did.</summary>
public sealed class RecoveryReport
{
    public List<string> Repaired { get; } = [];

    public List<string> Interrupted { get; } = [];

    /// <summary>
    /// What could not be saved, one line each: a build whose files were all damaged (its folder moved
    /// whole to damaged/ so the store is valid again), history records that are gone or could not be
    /// read (the state itself survived; damaged bytes are kept in damaged/), a checkpoint that cannot
    /// be restored and was dropped from its build's list (its file and copies kept in damaged/).
    /// </summary>
    public List<string> Lost { get; } = [];

    /// <summary>Problems recovery could not fix (the files are left as they are).</summary>
    public List<string> Unrecoverable { get; } = [];

    /// <summary>
    /// Files recovery left as they are because it may not judge them: not readable by this user (or
    /// a symbolic link), or written by a newer BuildState. None of them is damage.
    /// </summary>
    public List<string> Skipped { get; } = [];

    public int TempFilesRemoved { get; set; }

    public bool IndexRebuilt { get; set; }

    /// <summary>
    /// 0 when nothing is left to do; 3 when data was lost or a damaged file could not be repaired;
    /// otherwise the exit code of what was left as it is (6 no permission, 8 a newer schema, ...).
    /// </summary>
    public int ExitCode =>
        Lost.Count > 0 || _notRecovered.Contains(StoreErrorKind.Corruption) ? ExitCodes.Corruption
        : _notRecovered.Contains(StoreErrorKind.PermissionDenied) ? ExitCodes.PermissionDenied
        : _notRecovered.Contains(StoreErrorKind.NewerSchema) ? ExitCodes.NewerSchema
        : _notRecovered.Count > 0 ? ExitCodes.For(_notRecovered.Min())
        : ExitCodes.Success;

    private readonly HashSet<StoreErrorKind> _notRecovered = [];

    /// <summary>Records an error that stopped the recovery of one build: as skipped when it is no damage, else as unrecoverable.</summary>
    internal void NotRecovered(BuildStateException e)
    {
        _notRecovered.Add(e.Kind);
        switch (e.Kind)
        {
            case StoreErrorKind.PermissionDenied:
                Skipped.Add($"{e.FilePath}: {e.Message}; left as it is: recover repairs damage, not access rights");
                break;
            case StoreErrorKind.NewerSchema:
                Skipped.Add($"{e.FilePath}: {e.Message}; left as it is: this version neither repairs nor rewrites it");
                break;
            default:
                Unrecoverable.Add(e.ToOneLine());
                break;
        }
    }
}
