using System.Runtime.InteropServices;

namespace BuildState.IO;

/// <summary>The libc calls behind appends that many processes make to one file at once, and the store's other plain writes (Linux).</summary>
internal static partial class Posix
{
    internal const int O_WRONLY = 1;
    internal static readonly int O_APPEND = Bsd ? 0x8 : 0x400; // used on Linux only today (ConcurrentAppend.Supported)
    internal static readonly int O_TRUNC = Bsd ? 0x400 : 0x200;
    internal const int LOCK_SH = 1;
    internal const int SEEK_CUR = 1, SEEK_END = 2;
    internal const int ENOENT = 2, EPERM = 1, ENOSYS = 38;

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Rename(string source, string destination);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    internal static partial long LSeek(int fd, long offset, int whence);
}
