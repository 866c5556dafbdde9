using BuildState.IO;
using BuildState.Lifecycle;
using BuildState.Locking;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>How much a write survives. See docs/store-format.md, "Durability", for the exact guarantees.</summary>
public enum Durability
{
    /// <summary>No fsync: survives a crash or kill of the process, not a power loss or kernel crash.</summary>
    None,

    /// <summary>fsync at checkpoints and run end: those points survive power loss; transitions between them survive a process crash.</summary>
    Normal,

    /// <summary>Every commit's history record (the commit point) fsynced before the call returns: every committed change survives power loss.</summary>
    Full,
}

/// <summary>Settings of a <see cref="BuildStore"/>.</summary>
public sealed class StoreOptions
{
    public Durability Durability { get; set; } = Durability.Normal;

    /// <summary>
    /// Under <see cref="Durability.Normal"/>: defer the fsyncs of durable points (run end,
    /// checkpoints) until <see cref="BuildStore.Flush"/>, which pays them all at once (group commit).
    /// Durable points are then durable when Flush returns. Ignored under Full and None.
    /// </summary>
    public bool GroupCommit { get; set; }

    /// <summary>Checkpoints kept per build; the oldest are rotated out.</summary>
    public int MaxCheckpoints { get; set; } = 10;

    /// <summary>Backups of the current state kept per build.</summary>
    public int MaxBackups { get; set; } = 5;

    /// <summary>
    /// A run end takes a backup once the newest is at least this many commits old (1: at every run
    /// end). Restores and repairs always take one first.
    /// </summary>
    public int BackupInterval { get; set; } = 32;

    /// <summary>How long to wait for a lock before failing with a lock-timeout error.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The folder artifact paths are relative to; by default the folder that holds the store.</summary>
    public string? RepositoryRoot { get; set; }

    public IFileSystem FileSystem { get; set; } = PhysicalFileSystem.Instance;

    public ILockProvider LockProvider { get; set; } = FileLockProvider.Instance;

    public LifecycleRegistry Lifecycles { get; set; } = new();

    /// <summary>Who owns runs started through this store (this process unless a test says otherwise).</summary>
    public OwnerInfo Owner { get; set; } = OwnerInfo.Current;

    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    internal StoreOptions Clone() => (StoreOptions)MemberwiseClone();
}
