namespace BuildState.Store;

/// <summary>Where every file of a store lives. One place, so the layout of docs/store-format.md is written once.</summary>
public sealed class StoreLayout
{
    public StoreLayout(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string IndexFile => Path.Combine(Root, "index.json");

    /// <summary>Changes to the index since index.json was written, one JSON line each.</summary>
    public string IndexJournal => Path.Combine(Root, "index.journal");

    public string ActiveDir => Path.Combine(Root, "active");

    public string ArchivedDir => Path.Combine(Root, "archived");

    public string BackupsDir => Path.Combine(Root, "backups");

    /// <summary>Lock files. Never deleted while the store is in use; they hold their owner while held.</summary>
    public string LocksDir => Path.Combine(Root, "locks");

    /// <summary>One file per process writing runs now (BuildStore.RegisterWriter); one left behind marks a crash.</summary>
    public string WritersDir => Path.Combine(LocksDir, "writers");

    /// <summary>Damaged copies kept aside by recovery (torn history tails, corrupt states): nothing is thrown away.</summary>
    public string DamagedDir => Path.Combine(Root, "damaged");

    public string BuildDir(string key) => Path.Combine(ActiveDir, key);

    public string StateFile(string key) => Path.Combine(BuildDir(key), "current_state.json");

    /// <summary>The file the next snapshot is written into before it is swapped with current_state.json (the previous snapshot, on Linux).</summary>
    public string SpareStateFile(string key) => Path.Combine(BuildDir(key), "current_state.spare");

    public string HistoryDir(string key) => Path.Combine(BuildDir(key), "history");

    public string HistoryLog(string key) => Path.Combine(HistoryDir(key), "log.bsh");

    public string CheckpointsDir(string key) => Path.Combine(BuildDir(key), "checkpoints");

    public string CheckpointFile(string key, string checkpointId) => Path.Combine(CheckpointsDir(key), checkpointId + ".json");

    /// <summary>Content-addressed artifact copies, shared by all checkpoints of the build (deduplicated by hash).</summary>
    public string BlobsDir(string key) => Path.Combine(CheckpointsDir(key), "blobs");

    public string Blob(string key, string sha256) => Path.Combine(BlobsDir(key), sha256);

    /// <summary>True for a checkpoint file or an artifact copy of the build <paramref name="buildId"/> (a path under its checkpoints folder).</summary>
    public bool IsInCheckpoints(string buildId, string? path) =>
        path is not null && path.StartsWith(CheckpointsDir(BuildKey.For(buildId)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public string BackupDir(string key) => Path.Combine(BackupsDir, key);

    public string BuildLock(string key) => Path.Combine(LocksDir, key + ".lock");

    public string IndexLock => Path.Combine(LocksDir, "index.lock");
}
