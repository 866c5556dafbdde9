using System.Runtime.InteropServices;

namespace BuildState.Locking;

/// <summary>
/// Linux open-file-description byte-range locks (<c>F_OFD_SETLK</c>/<c>F_OFD_SETLKW</c>, Linux 3.15+).
/// Like <c>flock</c> they belong to the open file, not to the process, so two opens in one process
/// exclude each other and the kernel drops them when their owner dies; they are independent of
/// <c>flock</c> on the same file, which lets <see cref="FileLockProvider"/> use one byte of a lock file
/// as the turnstile in front of its <c>flock</c>.
/// </summary>
internal static unsafe partial class OfdLocks
{
    private const int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    private const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2, SEEK_SET = 0;

    /// <summary>EAGAIN and EACCES: the range is locked by another open file.</summary>
    internal const int EAGAIN = 11, EACCES = 13;

    /// <summary>The command numbers and <c>struct flock</c> below are those of 64-bit Linux (x64 and arm64).</summary>
    public static bool Supported { get; } =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Takes an exclusive lock on one byte; 0 or the errno (EAGAIN/EACCES when taken and not waiting, EINTR).</summary>
    public static int Lock(int fd, long offset, bool wait) => Call(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, F_WRLCK, offset);

    /// <summary>Takes a shared lock on one byte without waiting; 0 or the errno.</summary>
    public static int LockShared(int fd, long offset) => Call(fd, F_OFD_SETLK, F_RDLCK, offset);

    public static int Unlock(int fd, long offset) => Call(fd, F_OFD_SETLK, F_UNLCK, offset);

    /// <summary>Whether another open file holds the byte, shared or exclusive.</summary>
    public static bool IsLockedByAnother(int fd, long offset)
    {
        var range = new Range { Type = F_WRLCK, Whence = SEEK_SET, Start = offset, Length = 1 };
        return Fcntl(fd, F_OFD_GETLK, &range) == 0 && range.Type != F_UNLCK;
    }

    private static int Call(int fd, int command, short type, long offset)
    {
        // l_pid must be 0 for OFD locks.
        var range = new Range { Type = type, Whence = SEEK_SET, Start = offset, Length = 1 };
        return Fcntl(fd, command, &range) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>struct flock</c> on 64-bit Linux: short, short, off_t, off_t, pid_t (32 bytes with padding).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Range
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    // fcntl is variadic; on x64 and arm64 Linux a pointer passed as a fixed argument lands where
    // the variadic one is read from.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, Range* range);
}
