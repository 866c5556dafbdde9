using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Writes a rotated backup copy of the state (backups/&lt;key&gt;/&lt;sequence&gt;.json), keeping
    /// <see cref="StoreOptions.MaxBackups"/>. Taken at run end and before restores and repairs.
    /// </summary>
    internal void WriteBackup(string key, BuildRecord record)
    {
        if (Options.MaxBackups <= 0)
        {
            return;
        }

        var dir = Layout.BackupDir(key);
        CreateDirectoryDurably(Layout.BackupsDir);
        CreateDirectoryDurably(dir);
        var path = Path.Combine(dir, $"{record.Sequence:D12}.json");
        if (!_fs.FileExists(path))
        {
            // Backups back up history, which is already durable per the mode: only Full pays an fsync for them.
            WriteAtomic(path, StoreJson.Serialize(record), sync: Options.Durability == Durability.Full);
        }

        foreach (var old in BackupFiles(key).Skip(Options.MaxBackups))
        {
            _fs.DeleteFile(old);
        }
    }

    /// <summary>Backup files of a build, newest first.</summary>
    internal IEnumerable<string> BackupFiles(string key) =>
        _fs.EnumerateFiles(Layout.BackupDir(key), "*.json").Order(StringComparer.Ordinal).Reverse();

    private (string Path, BuildRecord Record)? NewestValidBackup(string key, string buildId)
    {
        foreach (var path in BackupFiles(key))
        {
            try
            {
                var record = ReadStateFile(path);
                if (record.Id == buildId)
                {
                    return (path, record);
                }
            }
            catch (BuildStateException)
            {
                // A damaged backup: try the next older one.
            }
        }

        return null;
    }
}
