using System.Runtime.InteropServices;

namespace BuildState.IO;

/// <summary>
/// The few libc calls .NET does not expose: fsync of a directory (so a rename survives power loss)
/// and flock on a descriptor we own (cross-process locks that the kernel releases when the owner dies).
/// </summary>
internal static partial class Posix
{
    internal const int O_RDONLY = 0, O_RDWR = 2, O_NOFOLLOW = 0x20000, O_DIRECTORY = 0x10000;
    internal const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    internal const int EINTR = 4, EINVAL = 22;

    // These differ between Linux and the BSDs (macOS): the Linux values would make open() on a Mac
    // ignore O_CREAT (so lock files were never created) and misread a busy flock as an error.
    private static readonly bool Bsd = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() || OperatingSystem.IsIOS();
    internal static readonly int O_CREAT = Bsd ? 0x200 : 0x40;
    internal static readonly int O_CLOEXEC = Bsd ? (OperatingSystem.IsFreeBSD() ? 0x100000 : 0x1000000) : 0x80000;
    internal static readonly int EWOULDBLOCK = Bsd ? 35 : 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int FLock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    internal static unsafe partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    internal static unsafe partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    /// <summary>O_DIRECTORY and O_NOFOLLOW differ on some architectures; only use them where we know the values.</summary>
    internal static bool FlagsKnown => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
}
