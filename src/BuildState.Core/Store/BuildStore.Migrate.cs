using BuildState.Errors;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Rewrites every state file of an older schema in the current one (each under its build lock,
    /// the old file first kept in backups/), then rebuilds the index. Returns the files upgraded.
    /// </summary>
    public IReadOnlyList<string> Migrate() => MigrateStore().Migrated;

    /// <summary>
    /// <see cref="Migrate"/>, and a list of the files written by a newer BuildState (a state, a
    /// history log, a checkpoint, a backup): those are left exactly as they are, and a build that
    /// holds one is not migrated at all, since a newer tool writes it. A state file too damaged to
    /// read is listed too, and left as it is; the other builds are still migrated.
    /// </summary>
    public MigrationReport MigrateStore()
    {
        var report = new MigrationReport();
        if (!Exists)
        {
            return report;
        }

        EnsureStoreDirectories();
        foreach (var key in ActiveKeys().ToList())
        {
            using (Locks.Acquire(Layout.BuildLock(key), "migrate"))
            {
                var newer = NewerFiles(key);
                report.Newer.AddRange(newer);
                try
                {
                    if (newer.Count == 0 && MigrateState(key) is { } upgraded)
                    {
                        report.Migrated.Add(upgraded);
                    }
                }
                catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption)
                {
                    // One damaged state must not stop the others' migration (and leave the index
                    // unrebuilt): it is left exactly as it is, for recover.
                    report.Damaged.Add(e);
                }
            }
        }

        RebuildIndex();
        return report;
    }

    /// <summary>Upgrades one build's state file when it is of an older schema; returns its path, or null when there was nothing to do.</summary>
    private string? MigrateState(string key)
    {
        var path = Layout.StateFile(key);
        if (!_fs.FileExists(path))
        {
            return null;
        }

        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes);
        var version = Migrations.PeekSchemaVersion(bytes, path);
        if (version == StoreSchema.Current)
        {
            return null;
        }

        var record = ParseState(bytes, path);
        if (BuildKey.For(record.Id) != key)
        {
            throw BuildStateException.Corrupt(path, $"the state belongs to build '{record.Id}', whose key is not this folder's");
        }

        // Beside, not among, the rotated backups: recovery must never prefer the old schema's copy.
        var dir = Path.Combine(Layout.BackupDir(key), "pre-migration");
        CreateDirectoryDurably(Layout.BackupsDir);
        CreateDirectoryDurably(Layout.BackupDir(key));
        CreateDirectoryDurably(dir);
        WriteAtomic(Path.Combine(dir, $"schema-v{version}.json"), bytes, sync: Options.Durability != Durability.None);
        record.HistoryBytes = ScanHistory(key).ValidEnd; // not the file's length: the log may end in zeros written ahead
        WriteAtomic(path, StoreJson.SerializeStateFile(record), sync: Options.Durability != Durability.None);
        return path;
    }

    /// <summary>
    /// The files of one build written by a newer BuildState, each as the error a read of it gives.
    /// Only the schema version is looked at: a damaged file is not this method's to report.
    /// </summary>
    private List<BuildStateException> NewerFiles(string key)
    {
        var found = new List<BuildStateException>();
        void Check(string path)
        {
            try
            {
                GuardNoLinks(path);
                if (Migrations.NewerVersionOf(_fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes), path) is { } version)
                {
                    found.Add(Migrations.NewerSchema(path, version));
                }
            }
            catch (BuildStateException e) when (IsDamage(e))
            {
            }
        }

        if (_fs.FileExists(Layout.StateFile(key)))
        {
            Check(Layout.StateFile(key));
        }

        if (_fs.FileExists(Layout.HistoryLog(key)) && ScanHistory(key).FirstNewer is { } record)
        {
            found.Add(Migrations.NewerSchema(Layout.HistoryLog(key), record.SchemaVersion));
        }

        foreach (var file in _fs.EnumerateFiles(Layout.CheckpointsDir(key), "*.json").Concat(BackupFiles(key)))
        {
            Check(file);
        }

        return found;
    }
}

/// <summary>What <see cref="BuildStore.MigrateStore"/> did and what it left alone.</summary>
public sealed class MigrationReport
{
    /// <summary>State files rewritten in the current schema.</summary>
    public List<string> Migrated { get; } = [];

    /// <summary>Files written by a newer BuildState, left as they are (the error names each file and its schema).</summary>
    public List<BuildStateException> Newer { get; } = [];

    /// <summary>
    /// State files too damaged to read, as the error a read of each gives: left as they are, and
    /// their builds not migrated (`buildstate recover` repairs them; migrate again after).
    /// </summary>
    public List<BuildStateException> Damaged { get; } = [];
}
