using BuildState.Model;

namespace BuildState.IO;

/// <summary>
/// What tells an artifact file unchanged since it was hashed: its length, its last write time and,
/// on Linux, its status-change time (ctime). A write time can be set back (a copy that keeps its
/// source's, as .NET's <c>File.Copy</c> does on Unix and so every MSBuild <c>Copy</c> and publish;
/// <c>touch -r</c>; an archive extracted with its times); the change time cannot: the kernel sets
/// it to the present on every write, rename, permission or time change. So a file rewritten with
/// its old length and write time is hashed again, and a copy made by this run is known as this
/// run's although its write time is older.
/// </summary>
internal sealed class FileStamp(long length, long writeTicks, long changeTicks)
{
    public long Length { get; } = length;

    public DateTimeOffset LastWriteUtc { get; } = new(writeTicks, TimeSpan.Zero);

    /// <summary>
    /// The change time when it is more than <see cref="Apart"/> after the write time, else null: a
    /// file written the usual way has the two equal, and one copied or made executable right after
    /// it was written (the compiler's output copied to bin/, an apphost) nearly so; the store keeps
    /// its records a field shorter for them. Null where the system does not give it (Windows,
    /// macOS: the write time alone decides there).
    /// </summary>
    public DateTimeOffset? ChangedUtc { get; } = changeTicks - writeTicks > Apart.Ticks ? new DateTimeOffset(changeTicks, TimeSpan.Zero) : null;

    /// <summary>
    /// How much later than the write time a change time must be to count. The cost: a file rewritten
    /// with its old length and write time set back within this long of that write time is taken
    /// as unchanged, as it was before change times were read at all.
    /// </summary>
    public static readonly TimeSpan Apart = TimeSpan.FromSeconds(1);

    /// <summary>The file at <paramref name="fullPath"/> (a link followed); null when no file is there.</summary>
    public static FileStamp? Of(string fullPath)
    {
        return UnixFiles.Supported && UnixFiles.TryFileStamp(fullPath, out var stamp) ? stamp : ThroughFileInfo(fullPath);
    }

    /// <summary>The stamp from .NET's <c>FileInfo</c>: no change time. Where statx is not there (Windows, macOS, an old Linux).</summary>
    internal static FileStamp? ThroughFileInfo(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (info.LinkTarget is not null)
        {
            // FileInfo tells a link's own length and times; the hash is of what it leads to.
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }

        if (!info.Exists)
        {
            return null;
        }

        var ticks = info.LastWriteTimeUtc.Ticks;
        return new FileStamp(info.Length, ticks, ticks);
    }

    /// <summary>True when <paramref name="recorded"/> was hashed from the file as it is now (same length, write time and change time).</summary>
    public bool Matches(ArtifactRecord recorded) =>
        recorded.Size == Length && recorded.LastWriteUtc == LastWriteUtc && recorded.ChangedUtc == ChangedUtc;
}
