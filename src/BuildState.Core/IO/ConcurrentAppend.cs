using System.Runtime.InteropServices;
using BuildState.Errors;

namespace BuildState.IO;

/// <summary>
/// Appends that processes make to one file at once, with no lock file: the file is opened with
/// O_APPEND (the kernel puts each write at the end, so none overwrites another) and each append
/// holds a shared flock on the file itself for its one write; a reader that must see no append in
/// progress (folding the file away) takes the exclusive flock. Linux only: elsewhere the store
/// serialises appends with its own lock file instead.
/// </summary>
internal static class ConcurrentAppend
{
    public static bool Supported => OperatingSystem.IsLinux();

    private static int NoFollow => Posix.FlagsKnown ? Posix.O_NOFOLLOW : 0;

    /// <summary>Appends <paramref name="data"/> in one write; returns the file's length just after it.</summary>
    public static unsafe long Append(string path, ReadOnlySpan<byte> data)
    {
        var fd = OpenOrThrow(path, Posix.O_WRONLY | Posix.O_APPEND | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "append to the file");
        try
        {
            LockOrThrow(fd, Posix.LOCK_SH, path);
            UnixFiles.WriteAll(fd, data, path, "append to the file");
            return Posix.LSeek(fd, 0, Posix.SEEK_CUR);
        }
        finally
        {
            Posix.Close(fd); // releases the shared lock
        }
    }

    /// <summary>
    /// Runs <paramref name="drain"/> while no append is in progress or can start (exclusive flock),
    /// then empties the file. An append that opened the file before and waits for the lock lands in
    /// the emptied file, after the drain: none is lost. The file is never renamed or deleted, so no
    /// appender can write into a file nobody will read.
    /// </summary>
    public static void Drain(string path, Action drain)
    {
        var fd = OpenOrThrow(path, Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC | NoFollow, "fold the file");
        try
        {
            LockOrThrow(fd, Posix.LOCK_EX, path);
            drain();
            if (Posix.FTruncate(fd, 0) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), path, "empty the file");
            }
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// Reads a file from <paramref name="offset"/> on with plain open/pread. .NET's FileStream takes an
    /// advisory flock(LOCK_SH) on every file it opens (its emulation of FileShare), which would make
    /// it fail ("used by another process") while a journal is drained under LOCK_EX: the store's
    /// readers must not take part in that locking.
    /// </summary>
    public static unsafe byte[] ReadFrom(string path, long offset, long maxBytes)
    {
        var fd = Posix.Open(path, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        while (fd < 0 && Marshal.GetLastPInvokeError() == Posix.EINTR)
        {
            fd = Posix.Open(path, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == Posix.ENOENT ? BuildStateException.NotFound("the file does not exist", path) : Error(errno, path, "read the file");
        }

        try
        {
            var size = Posix.LSeek(fd, 0, Posix.SEEK_END);
            if (size < 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), path, "read the file");
            }

            var length = Math.Max(0, size - offset);
            if (length > maxBytes)
            {
                throw BuildStateException.Corrupt(path, offset == 0
                    ? $"the file is {length} bytes, more than the limit of {maxBytes}"
                    : $"the file has {length} bytes past offset {offset}, more than the limit of {maxBytes}");
            }

            var buffer = new byte[length];
            fixed (byte* start = buffer)
            {
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = Posix.PRead(fd, start + read, (nuint)(buffer.Length - read), offset + read);
                    if (n < 0 && Marshal.GetLastPInvokeError() == Posix.EINTR)
                    {
                        continue;
                    }

                    if (n < 0)
                    {
                        throw Error(Marshal.GetLastPInvokeError(), path, "read the file");
                    }

                    if (n == 0)
                    {
                        throw BuildStateException.Corrupt(path, "the file shrank while it was read");
                    }

                    read += (int)n;
                }
            }

            return buffer;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    private static void LockOrThrow(int fd, int operation, string path)
    {
        while (Posix.FLock(fd, operation) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Posix.EINTR)
            {
                throw Error(errno, path, "lock the file");
            }
        }
    }

    private static int OpenOrThrow(string path, int flags, string action) => UnixFiles.OpenOrThrow(path, flags, action);

    private static BuildStateException Error(int errno, string path, string action) => UnixFiles.Error(errno, path, action);
}
