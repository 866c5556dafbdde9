using BuildState.Errors;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Rewrites every state file of an older schema in the current one (each under its build lock,
    /// the old file first kept in backups/), then rebuilds the index. Returns the files upgraded.
    /// </summary>
    public IReadOnlyList<string> Migrate()
    {
        var upgraded = new List<string>();
        if (!Exists)
        {
            return upgraded;
        }

        EnsureStoreDirectories();
        foreach (var key in ActiveKeys().ToList())
        {
            using (Locks.Acquire(Layout.BuildLock(key), "migrate"))
            {
                var path = Layout.StateFile(key);
                if (!_fs.FileExists(path))
                {
                    continue;
                }

                var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes);
                var version = Migrations.PeekSchemaVersion(bytes, path);
                if (version == StoreSchema.Current)
                {
                    continue;
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
                upgraded.Add(path);
            }
        }

        RebuildIndex();
        return upgraded;
    }
}
