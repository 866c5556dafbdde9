using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>The newest backup's sequence per build key, as this store object last saw or wrote it.</summary>
    // The value boxed (a reference type): <string, long> would be JIT-compiled in every MSBuild node.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _newestBackup = new(StringComparer.Ordinal);

    /// <summary>
    /// Writes a rotated backup copy of the state (backups/&lt;key&gt;/&lt;sequence&gt;.json), keeping
    /// <see cref="StoreOptions.MaxBackups"/>. Taken before restores and repairs (<paramref name="always"/>)
    /// and at run ends once the newest backup is <see cref="StoreOptions.BackupInterval"/> commits
    /// old: every state is in the history log already, so backups are the copy of last resort for a
    /// log that is lost, and need not cost every run a write, a rename and a delete.
    /// </summary>
    internal void WriteBackup(string key, BuildRecord record, bool always = true)
    {
        if (Options.MaxBackups <= 0)
        {
            return;
        }

        if (!always && NewestBackupSequence(key) is var newest and >= 0
            && newest <= record.Sequence // else the build was archived and started anew: list again
            && record.Sequence - newest < Options.BackupInterval)
        {
            return;
        }

        _newestBackup.TryRemove(key, out _);

        var dir = Layout.BackupDir(key);
        CreateDirectoryDurably(Layout.BackupsDir);
        CreateDirectoryDurably(dir);
        var path = Path.Combine(dir, $"{record.Sequence:D12}.json");
        var backups = BackupFiles(key).ToList(); // listed once: newest first
        if (!backups.Contains(path, StringComparer.Ordinal))
        {
            // Backups back up history, which is already durable per the mode: no fsync (a backup a
            // power loss tore is skipped when backups are read, as any unreadable one is). When the
            // oldest backup is to go, it becomes the new one: overwritten in place and renamed
            // (IFileSystem.ReplaceFile), so no file is created or deleted. On ext4 without a journal
            // each creation scans past every inode freed in the last minutes (a backup every 32
            // commits of every build made that 7% of a commit's CPU time in a long benchmark).
            var bytes = StoreJson.SerializeStateFile(record);
            if (backups.Count >= Options.MaxBackups)
            {
                _fs.ReplaceFile(path, backups[^1], bytes);
                backups.RemoveAt(backups.Count - 1);
            }
            else
            {
                WriteAtomic(path, bytes, sync: false);
            }

            backups.Add(path);
            backups.Sort(StringComparer.Ordinal); // a build archived and started anew writes a lower sequence than its old backups
            backups.Reverse();
        }

        foreach (var old in backups.Skip(Options.MaxBackups))
        {
            _fs.DeleteFile(old);
        }

        _newestBackup[key] = record.Sequence;
    }

    /// <summary>The sequence in the newest backup's name (-1 when there is none), listed once per build per store object.</summary>
    private long NewestBackupSequence(string key)
    {
        if (_newestBackup.TryGetValue(key, out var known))
        {
            return (long)known;
        }

        long newest = -1;
        if (_fs.DirectoryExists(Layout.BackupDir(key)))
        {
            foreach (var path in _fs.EnumerateFiles(Layout.BackupDir(key), "*.json"))
            {
                newest = Math.Max(newest, long.TryParse(Path.GetFileNameWithoutExtension(path), out var n) ? n : 0);
            }
        }

        _newestBackup[key] = newest;
        return newest;
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
