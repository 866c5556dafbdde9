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
    /// log's end, the file grows by this much more (rounded to 4 KiB), written as real zeros (a
    /// hole would make every later record allocate blocks, metadata an fdatasync must write).
    /// </summary>
    internal const int WriteAhead = 32 * 1024;

    private static readonly byte[] Zeros = new byte[WriteAhead + 4096];

    /// <summary>
    /// <see cref="IFileSystem.WriteRecord"/> on Linux. With room in the zeros written ahead: pwrite
    /// of the record in place, futimens to a write time later than the previous stamp's (the kernel's
    /// own is coarse: two records within a tick would leave the stamp unchanged, and another process
    /// would take its remembered state for the newest), fdatasync when <paramref name="sync"/> (no
    /// length or block change to commit: one write of data blocks), statx for the new stamp. Without
    /// room: the record and the next chunk of zeros in one pwrite, fsync (the length changed). On a
    /// file system that keeps write times coarser than the value set, the file is grown instead, so
    /// its length tells the change.
    /// </summary>
    public static (long Length, long WriteTicks) WriteRecord(string path, long offset, ReadOnlySpan<byte> record, (long Length, long WriteTicks)? before, bool sync)
    {
        var fd = OpenOrThrow(path, Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "write to the file");
        try
        {
            var (size, ticks) = before ?? Stamp(fd, path);
            if (offset > size)
            {
                throw new BuildStateException(StoreErrorKind.Corruption, $"the log is {size} bytes, shorter than its last record's end ({offset})", path);
            }

            var end = offset + record.Length;
            var fineTimes = ticks % TimeSpan.TicksPerSecond != 0; // whole seconds: a file system that may keep no finer
            if (end <= size && fineTimes)
            {
                WriteAll(fd, record, path, "write the file", offset);
                var written = Math.Max(DateTime.UtcNow.Ticks, ticks + 10);
                SetWriteTime(fd, written, path);
                if (sync && Posix.FDataSync(fd) != 0)
                {
                    throw Error(Marshal.GetLastPInvokeError(), path, "fdatasync the file");
                }

                var stamp = Stamp(fd, path);
                if (stamp.WriteTicks == written)
                {
                    return stamp;
                }

                // The time was cut to the file system's precision: grow the file by a byte so the
                // stamp changes by its length.
                WriteAll(fd, Zeros.AsSpan(0, 1), path, "write the file", size);
                if (sync)
                {
                    SyncOrThrow(fd, path);
                }

                return Stamp(fd, path);
            }

            // Grow: the record, then zeros up to the next chunk; with coarse times, to the record's
            // end exactly (an append), but never to the length it had.
            var grown = fineTimes ? ((end + WriteAhead + 4095) / 4096 * 4096) : end == size ? end + 1 : end;
            WriteAll(fd, record, path, "write the file", offset);
            if (grown > end)
            {
                WriteAll(fd, Zeros.AsSpan(0, (int)(grown - end)), path, "write the file", end);
            }
            else if (size > grown && Posix.FTruncate(fd, grown) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), path, "cut the file to its new length");
            }

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

    private static void SetWriteTime(int fd, long ticks, string path)
    {
        const long UTIME_OMIT = (1L << 30) - 2;
        var sinceEpoch = ticks - DateTime.UnixEpoch.Ticks;
        var times = stackalloc long[4];
        times[0] = 0;
        times[1] = UTIME_OMIT; // access time: left alone
        times[2] = sinceEpoch / TimeSpan.TicksPerSecond;
        times[3] = sinceEpoch % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick;
        if (Posix.FUTimeNs(fd, times) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), path, "set the file's write time");
        }
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

        var length = *(long*)(buffer + StatxSizeOffset);
        var seconds = *(long*)(buffer + StatxMtimeOffset);
        var nanoseconds = *(uint*)(buffer + StatxMtimeOffset + 8);
        return (length, DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / TimeSpan.NanosecondsPerTick));
    }

    private static bool StatxWorks = true;

    private static int TryStatx(int fd, byte* buffer)
    {
        if (!StatxWorks)
        {
            return Posix.ENOSYS;
        }

        try
        {
            return Statx(fd, "", AT_EMPTY_PATH, STATX_SIZE | STATX_MTIME, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return Posix.ENOSYS;
        }
    }

    // struct statx is the same on every Linux architecture (linux/stat.h): 256 bytes, stx_size at
    // 40, stx_mtime (a 64-bit tv_sec, then a 32-bit tv_nsec) at 112.
    private const int StatxSize = 256, StatxSizeOffset = 40, StatxMtimeOffset = 112;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_MTIME = 0x40, STATX_SIZE = 0x200;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    internal static BuildStateException Error(int errno, string path, string action) =>
        BuildStateException.FromIo(new IOException(Marshal.GetPInvokeErrorMessage(errno), errno), path, action);
}
