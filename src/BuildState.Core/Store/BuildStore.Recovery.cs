using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Repairs what crashes leave: a corrupt or missing current state is rebuilt from history or the
    /// newest valid backup (the damaged file is kept in damaged/), a torn history tail is cut and
    /// kept aside, a state behind its history is rolled forward, runs whose owner is gone are
    /// marked Interrupted, leftover temp files are removed, and the index is rebuilt.
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
        foreach (var key in keys)
        {
            RecoverOne(key, buildId, report);
        }

        RebuildIndex();
        report.IndexRebuilt = true;
        return report;
    }

    private void RecoverOne(string key, string? knownId, RecoveryReport report)
    {
        using (Locks.Acquire(Layout.BuildLock(key), "recover"))
        {
            RemoveTempFiles(Layout.BuildDir(key), report);
            var id = knownId ?? IdOf(key);
            if (id is null)
            {
                if (NeverCommitted(key))
                {
                    // A crash during a build's very first write: nothing was ever committed. The folder
                    // (and any torn bytes in it) is moved to damaged/, so nothing is deleted.
                    var aside = Path.Combine(Layout.DamagedDir, $"{key}.{Now:yyyyMMddTHHmmssfff}.uncommitted");
                    _fs.CreateDirectory(Layout.DamagedDir);
                    _fs.MoveDirectory(Layout.BuildDir(key), aside);
                    report.Repaired.Add($"{Layout.BuildDir(key)}: held no committed record (a crash during its first write); moved to {aside}");
                    return;
                }

                report.Unrecoverable.Add($"{Layout.BuildDir(key)}: neither the state, its history nor a backup is readable; the folder is left as it is");
                return;
            }

            try
            {
                var loaded = Load(key, id, repair: true);
                if (loaded.Record is null)
                {
                    return;
                }

                if (loaded.NeedsWrite || loaded.Repairs.Count > 0)
                {
                    CommitRepair(key, loaded);
                    report.Repaired.AddRange(loaded.Repairs.Select(r => $"{id}: {r}"));
                }
            }
            catch (BuildStateException e)
            {
                report.Unrecoverable.Add(e.ToOneLine());
                return;
            }
        }

        if (MarkInterrupted(IdOf(key)!, null, onlyIfOwnerDead: true))
        {
            report.Interrupted.Add(IdOf(key)!);
        }
    }

    /// <summary>True when a build folder has no state file, no whole history record and no backup.</summary>
    private bool NeverCommitted(string key) =>
        !_fs.FileExists(Layout.StateFile(key))
        && !_fs.EnumerateFiles(Layout.BackupDir(key), "*.json").Any()
        && ScanHistory(key).Entries.Count == 0;

    /// <summary>The build id stored in a key's folder: from the state, else the newest history record, else a backup.</summary>
    private string? IdOf(string key)
    {
        try
        {
            return ReadStateFile(Layout.StateFile(key)).Id;
        }
        catch (BuildStateException)
        {
        }

        try
        {
            var last = ScanHistory(key).Entries.LastOrDefault(e => e.Entry.State is not null);
            if (last.Entry?.State?.Id is { } fromLog)
            {
                return fromLog;
            }
        }
        catch (BuildStateException)
        {
        }

        foreach (var backup in BackupFiles(key))
        {
            try
            {
                return ReadStateFile(backup).Id;
            }
            catch (BuildStateException)
            {
            }
        }

        return null;
    }

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

    public List<string> Unrecoverable { get; } = [];

    public int TempFilesRemoved { get; set; }

    public bool IndexRebuilt { get; set; }
}
