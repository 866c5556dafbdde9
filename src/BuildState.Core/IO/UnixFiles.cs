using System.Runtime.InteropServices;
using BuildState.Errors;

namespace BuildState.IO;

/// <summary>
/// The store's own writes on Linux, as plain system calls. Appending through a .NET
/// <c>FileStream</c> takes eight (open, fstatfs, lseek, fstat, the write, close, and the advisory
/// <c>flock</c> and unlock of its <c>FileShare</c> emulation), and a commit appended that way, then
/// stat'ed the log for its new stamp: here an append is open, write, statx, close, and writing a
/// new file open, write, close. Nothing in the
/// store relies on FileStream's <c>flock</c>: its readers use plain <c>pread</c>
/// (<see cref="ConcurrentAppend.ReadFrom"/>).
/// </summary>
internal static unsafe partial class UnixFiles
{
    public static bool Supported => ConcurrentAppend.Supported;

    private const int Mode600 = 0x180;

    private static int NoFollow => Posix.FlagsKnown ? Posix.O_NOFOLLOW : 0;

    /// <summary>
    /// Appends <paramref name="data"/> (creating the file owner-only when missing), fsyncs it when
    /// <paramref name="sync"/>, and returns the file's stamp just after: what a stat of the path would
    /// say, read from the open file, so the caller needs no stat before or after.
    /// </summary>
    public static (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync)
    {
        var fd = OpenOrThrow(path, Posix.O_WRONLY | Posix.O_APPEND | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "append to the file");
        try
        {
            WriteAll(fd, data, path, "append to the file");
            if (sync)
            {
                SyncOrThrow(fd, path);
            }

            return Stamp(fd, path);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// How far a history log is written ahead: when a record does not fit in the zeros past the
    /// log's end, the file grows by half the log's length, at least this and at most
    /// <see cref="MaxWriteAhead"/> (rounded to 4 KiB), written as real zeros (a hole would make every
    /// later record allocate blocks, metadata an fdatasync must write). A growth costs an fsync of
    /// the new length and blocks (by 256 KiB about eight times a record's fdatasync here, measured
    /// 2026-12-06): a log that is written often grows seldom, a small one stays small. A smaller
    /// bound makes each growth cheaper but all of them together dearer (docs/store-format.md,
    /// "Zeros written ahead").
    /// </summary>
    internal const int WriteAhead = 32 * 1024;

    /// <summary>The most a history log is written ahead at once (see <see cref="WriteAhead"/>).</summary>
    internal const int MaxWriteAhead = 256 * 1024;

    private static readonly byte[] Zeros = new byte[64 * 1024];

    /// <summary>How many zeros to write after a record ending at <paramref name="end"/> when the log must grow.</summary>
    internal static long WriteAheadFor(long end) => ((end + Math.Clamp(end / 2, WriteAhead, MaxWriteAhead) + 4095) / 4096 * 4096) - end;

    /// <summary>
    /// <see cref="IFileSystem.WriteRecord"/> on Linux. With room in the zeros written ahead: pwrite
    /// of the record in place and, when <paramref name="sync"/>, fdatasync (no length or block change
    /// to commit: one write of data blocks). Without room: the record and the next chunk of zeros in
    /// one pwrite, fsync (the length changed). Nothing sets or reads the file's times: setting the
    /// write time, or reading it (which makes the kernel's next time for the file a fine-grained one),
    /// changes the inode at every record, and ext4 then writes the inode's table block with the data
    /// at each fdatasync (without a journal, the block of 16 inodes shared with other files). The
    /// stamp's end tells the change instead (<see cref="LogStamp"/>).
    /// </summary>
    public static LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync)
    {
        var fd = OpenOrThrow(path, Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "write to the file");
        try
        {
            var (size, identity) = before is { } known ? (known.Length, known.Identity) : Identity(fd, path);
            if (offset > size)
            {
                throw new BuildStateException(StoreErrorKind.Corruption, $"the log is {size} bytes, shorter than its last record's end ({offset})", path);
            }

            var end = offset + record.Length;
            if (end <= size)
            {
                WriteAll(fd, record, path, "write the file", offset);
                if (sync && Posix.FDataSync(fd) != 0)
                {
                    throw Error(Marshal.GetLastPInvokeError(), path, "fdatasync the file");
                }

                return new LogStamp(size, identity, end);
            }

            // Grow: the record, then zeros up to the next chunk.
            var grown = end + WriteAheadFor(end);
            WriteAll(fd, record, path, "write the file", offset);
            for (var at = end; at < grown; at += Zeros.Length)
            {
                WriteAll(fd, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, grown - at)), path, "write the file", at);
            }
            if (sync)
            {
                SyncOrThrow(fd, path);
            }

            return new LogStamp(grown, identity, end);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// <see cref="IFileSystem.IsLogUnchanged"/> on Linux: open, statx of the length and identity
    /// (not the times), and when zeros may follow the end, a one-byte pread there (a record written
    /// since would start with its header there), close.
    /// </summary>
    public static bool IsLogUnchanged(string path, LogStamp stamp)
    {
        var fd = Posix.Open(path, Posix.O_RDONLY | Posix.O_CLOEXEC | NoFollow, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            if (Identity(fd, path) != (stamp.Length, stamp.Identity))
            {
                return false;
            }

            if (stamp.End >= stamp.Length)
            {
                return true;
            }

            byte first;
            var read = Posix.PRead(fd, &first, 1, stamp.End);
            return read == 0 || (read == 1 && first == 0);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>Length and identity (<see cref="IFileSystem.GetFileIdentity"/>) of a path, not followed; null when nothing is there.</summary>
    public static (long Length, long Identity)? Identity(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        var errno = TryStatx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_SIZE | STATX_INO | STATX_BTIME, buffer);
        if (errno is Posix.ENOENT or ENOTDIR)
        {
            return null;
        }

        return errno != 0 ? FallbackIdentity(path, errno) : IdentityOf(buffer);
    }

    private static (long Length, long Identity) Identity(int fd, string path)
    {
        var buffer = stackalloc byte[StatxSize];
        var errno = TryStatx(fd, "", AT_EMPTY_PATH, STATX_SIZE | STATX_INO | STATX_BTIME, buffer);
        if (errno != 0)
        {
            return FallbackIdentity(path, errno) ?? throw BuildStateException.NotFound("the file vanished as it was written", path);
        }

        return IdentityOf(buffer);
    }

    /// <summary>The inode number and, where the file system keeps one, the birth time: a file replaced by another (a rewrite renamed over it) has another.</summary>
    private static (long Length, long Identity) IdentityOf(byte* buffer)
    {
        var mask = *(uint*)buffer;
        var length = *(long*)(buffer + StatxSizeOffset);
        var inode = *(long*)(buffer + StatxInoOffset);
        var born = (mask & STATX_BTIME) != 0
            ? (*(long*)(buffer + StatxBtimeOffset) * 1_000_000_000) + *(uint*)(buffer + StatxBtimeOffset + 8)
            : 0;
        return (length, unchecked((inode * -7046029254386353131L) ^ born));
    }

    private static (long Length, long Identity)? FallbackIdentity(string path, int errno)
    {
        if (errno is not (Posix.ENOSYS or Posix.EPERM))
        {
            throw Error(errno, path, "stat the file");
        }

        // No statx here (a libc or kernel from before 2018, or a sandbox that forbids it): the write
        // time stands for the identity, as on other systems.
        StatxWorks = false;
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : null;
    }

    /// <summary>
    /// <see cref="IFileSystem.GetPathKind"/> on Linux: one statx of the type alone. An lstat reads the
    /// times too, which makes the kernel's next time for that file or folder a fine-grained one, and
    /// handing one out moves the clock that every file's next write reads: the history logs' inodes
    /// then change with their records. Null when statx is not available.
    /// </summary>
    public static PathKind? KindOf(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        var errno = TryStatx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, buffer);
        if (errno is Posix.ENOENT or ENOTDIR)
        {
            return PathKind.None;
        }

        if (errno != 0)
        {
            return null;
        }

        return (*(ushort*)(buffer + StatxModeOffset) & S_IFMT) switch
        {
            S_IFLNK => PathKind.SymbolicLink,
            S_IFDIR => PathKind.Directory,
            _ => PathKind.File,
        };
    }

    /// <summary>Creates or replaces a file's content (owner-only when created); with <paramref name="sync"/>, fsyncs it.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, bool sync)
    {
        var fd = OpenOrThrow(path, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC | Posix.O_CLOEXEC | NoFollow, "write the file");
        try
        {
            WriteAll(fd, data, path, "write the file");
            if (sync)
            {
                SyncOrThrow(fd, path);
            }
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// <see cref="IFileSystem.ReplaceFile"/> on Linux: the spare is opened (created when missing),
    /// overwritten from offset 0 and cut to the new length, then swapped with the path by
    /// <c>renameat2(RENAME_EXCHANGE)</c>; the old file is the next spare. A new file per
    /// replacement, renamed over the old one, made ext4 create an inode and free one (and start
    /// writing the new file back) every time: on a file system without a journal the allocation
    /// then scans past every inode freed in the last minutes, which grew to a quarter of a commit's
    /// CPU time. When the path does not exist yet, or the file system cannot exchange, the spare is
    /// renamed over the path instead.
    /// </summary>
    public static void ReplaceThroughSpare(string path, string spare, ReadOnlySpan<byte> data)
    {
        var fd = OpenOrThrow(spare, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "write the file");
        try
        {
            WriteAll(fd, data, spare, "write the file", offset: 0);
            if (Posix.FTruncate(fd, data.Length) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), spare, "cut the file to its new length");
            }
        }
        finally
        {
            Posix.Close(fd);
        }

        if (ExchangeWorks)
        {
            var errno = TryExchange(spare, path);
            if (errno == 0)
            {
                return;
            }

            if (errno is Posix.EINVAL or Posix.ENOSYS or Posix.EPERM or EOPNOTSUPP)
            {
                ExchangeWorks = false; // not on this file system or kernel: rename over, as everywhere else
            }
            else if (errno != Posix.ENOENT)
            {
                throw Error(errno, path, "swap a file into place");
            }
        }

        Rename(spare, path);
    }

    private static bool ExchangeWorks = true;
    private const int EOPNOTSUPP = 95, AT_FDCWD = -100;
    private const uint RENAME_EXCHANGE = 2;

    private static int TryExchange(string source, string destination)
    {
        try
        {
            return RenameAt2(AT_FDCWD, source, AT_FDCWD, destination, RENAME_EXCHANGE) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return Posix.ENOSYS; // a libc from before renameat2 (glibc 2.28)
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>rename(2): atomically replaces <paramref name="destination"/> (File.Move lstats the source first).</summary>
    public static void Rename(string source, string destination)
    {
        if (Posix.Rename(source, destination) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), destination, "rename a file into place");
        }
    }

    /// <summary>Opens, retrying on EINTR; throws the store's error for anything else.</summary>
    public static int OpenOrThrow(string path, int flags, string action)
    {
        while (true)
        {
            var fd = Posix.Open(path, flags, Mode600);
            if (fd >= 0)
            {
                return fd;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Posix.EINTR)
            {
                throw Error(errno, path, action);
            }
        }
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> at the descriptor's position (the end, with O_APPEND),
    /// or with <paramref name="offset"/> at that offset (pwrite, the position left alone).
    /// </summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string path, string action, long offset = -1)
    {
        fixed (byte* start = data)
        {
            var written = 0;
            while (written < data.Length)
            {
                var left = (nuint)(data.Length - written);
                var n = offset < 0 ? Posix.Write(fd, start + written, left) : Posix.PWrite(fd, start + written, left, offset + written);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Posix.EINTR)
                    {
                        continue;
                    }

                    throw Error(errno, path, action);
                }

                written += (int)n;
            }
        }
    }

    /// <summary>A failed fsync throws and is never retried (docs/store-format.md, "Durability").</summary>
    private static void SyncOrThrow(int fd, string path)
    {
        if (Posix.FSync(fd) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), path, "fsync the file");
        }
    }

    /// <summary>
    /// Length and last-write ticks (UTC) of an open file, the same values <c>FileInfo</c> gives for its
    /// path (.NET converts st_mtime the same way: seconds since the epoch plus nanoseconds / 100).
    /// </summary>
    private static (long Length, long WriteTicks) Stamp(int fd, string path)
    {
        var buffer = stackalloc byte[StatxSize];
        var errno = TryStatx(fd, buffer);
        if (errno is Posix.ENOSYS or Posix.EPERM)
        {
            // No statx here (a libc or kernel from before 2018, or a sandbox that forbids it): the
            // path has the same stamp, as the caller's lock keeps other writers out.
            StatxWorks = false;
            var info = new FileInfo(path);
            return (info.Length, info.LastWriteTimeUtc.Ticks);
        }

        if (errno != 0)
        {
            throw Error(errno, path, "stat the file");
        }

        return (*(long*)(buffer + StatxSizeOffset), Ticks(buffer + StatxMtimeOffset));
    }

    /// <summary>
    /// <see cref="FileStamp.Of"/> on Linux: one statx of the type, length, write and change times of
    /// a path, followed as <c>FileInfo</c> follows it. False when statx cannot answer (not there, or
    /// refused: the caller asks <c>FileInfo</c>); <paramref name="stamp"/> null when no file is there.
    /// </summary>
    public static bool TryFileStamp(string path, out FileStamp? stamp)
    {
        stamp = null;
        var buffer = stackalloc byte[StatxSize];
        var errno = TryStatx(AT_FDCWD, path, 0, STATX_TYPE | STATX_SIZE | STATX_MTIME | STATX_CTIME, buffer);
        if (errno is Posix.ENOENT or ENOTDIR)
        {
            return true;
        }

        const uint needed = STATX_TYPE | STATX_MTIME | STATX_CTIME; // a file system may leave a time out
        if (errno != 0 || (*(uint*)buffer & needed) != needed)
        {
            return false;
        }

        if ((*(ushort*)(buffer + StatxModeOffset) & S_IFMT) == S_IFDIR)
        {
            return true; // a folder is no file (FileInfo.Exists says the same)
        }

        stamp = new FileStamp(*(long*)(buffer + StatxSizeOffset), Ticks(buffer + StatxMtimeOffset), Ticks(buffer + StatxCtimeOffset));
        return true;
    }

    /// <summary>A statx time as UTC ticks, the way .NET converts st_mtime (seconds since the epoch plus nanoseconds / 100).</summary>
    private static long Ticks(byte* time) =>
        DateTime.UnixEpoch.Ticks + (*(long*)time * TimeSpan.TicksPerSecond) + (*(uint*)(time + 8) / TimeSpan.NanosecondsPerTick);

    private static bool StatxWorks = true;

    private static int TryStatx(int fd, byte* buffer) => TryStatx(fd, "", AT_EMPTY_PATH, STATX_SIZE | STATX_MTIME, buffer);

    private static int TryStatx(int dirFd, string path, int flags, uint mask, byte* buffer)
    {
        if (!StatxWorks)
        {
            return Posix.ENOSYS;
        }

        try
        {
            return Statx(dirFd, path, flags, mask, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return Posix.ENOSYS;
        }
    }

    // struct statx is the same on every Linux architecture (linux/stat.h): 256 bytes, stx_mask at 0,
    // stx_mode at 28, stx_ino at 32, stx_size at 40, stx_btime at 80, stx_ctime at 96 and stx_mtime
    // at 112 (each time a 64-bit tv_sec, then a 32-bit tv_nsec).
    private const int StatxSize = 256, StatxModeOffset = 28, StatxInoOffset = 32, StatxSizeOffset = 40, StatxBtimeOffset = 80, StatxCtimeOffset = 96, StatxMtimeOffset = 112;
    private const int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, ENOTDIR = 20;
    private const uint STATX_TYPE = 0x1, STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_INO = 0x100, STATX_SIZE = 0x200, STATX_BTIME = 0x800;
    private const int S_IFMT = 0xF000, S_IFLNK = 0xA000, S_IFDIR = 0x4000;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    internal static BuildStateException Error(int errno, string path, string action) =>
        BuildStateException.FromIo(new IOException(Marshal.GetPInvokeErrorMessage(errno), errno), path, action);
}
