using System.Runtime.InteropServices;

namespace BuildState.Errors;

/// <summary>
/// The one exception type the store throws on purpose. <see cref="Kind"/> says what class of failure
/// it is; <see cref="FilePath"/> names the file involved when there is one, so a one-line message can
/// always say which file and which exit code.
/// </summary>
public sealed class BuildStateException : Exception
{
    public BuildStateException(StoreErrorKind kind, string message, string? filePath = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        FilePath = filePath;
    }

    public StoreErrorKind Kind { get; }

    public string? FilePath { get; }

    public int ExitCode => ExitCodes.For(Kind);

    /// <summary>One line for people: "file: message (kind)".</summary>
    public string ToOneLine() =>
        FilePath is null ? $"{Message} ({Kind}, exit code {ExitCode})" : $"{FilePath}: {Message} ({Kind}, exit code {ExitCode})";

    public static BuildStateException Corrupt(string path, string what, Exception? inner = null) =>
        new(StoreErrorKind.Corruption, what, path, inner);

    public static BuildStateException NotFound(string what, string? path = null) =>
        new(StoreErrorKind.NotFound, what, path);

    /// <summary>
    /// Turns an operating-system I/O failure into the right kind: full disk, permission, or general.
    /// A failed fsync arrives here too and is never retried by the caller: after a failed fsync the
    /// kernel may already have dropped the dirty pages, so a retry could report a false success.
    /// <paramref name="storeFile"/> false: the file is the user's (an artifact, a report), and a
    /// refused access is about that file, not the store.
    /// </summary>
    public static BuildStateException FromIo(Exception ex, string path, string action, bool storeFile = true)
    {
        if (ex is BuildStateException bse)
        {
            return bse;
        }

        var kind = ex switch
        {
            UnauthorizedAccessException => StoreErrorKind.PermissionDenied,
            IOException io when IsDiskFull(io) => StoreErrorKind.DiskFull,
            IOException io when IsPermission(io) => StoreErrorKind.PermissionDenied,
            _ => StoreErrorKind.General,
        };
        // .NET's messages end with a full stop, which would stand before the hint's semicolon.
        var system = ex.Message.TrimEnd('.');
        var hint = kind == StoreErrorKind.PermissionDenied ? AccessHint(ex.Message, storeFile)
            : kind == StoreErrorKind.DiskFull ? (storeFile ? FreeSpace : FreeSpace + ", or choose another place")
            : !storeFile && ex is DirectoryNotFoundException ? "; its folder does not exist: create it first, or choose another place"
            : "";
        return new BuildStateException(kind, $"cannot {action}: {system}{hint}", path, ex);
    }

    /// <summary>
    /// What to do about a refused access: a permission error is no damage, and `buildstate recover`
    /// cannot change who may read a file, so the message says what can.
    /// </summary>
    private static string AccessHint(string systemMessage, bool storeFile = true)
    {
        var readOnly = systemMessage.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase);
        if (storeFile)
        {
            return readOnly
                ? "; the store is on a read-only file system: use a writable copy, or only commands that read"
                : "; the user running buildstate needs read and write access to the store's files and folders (check their owner and mode with `ls -l`)";
        }

        return readOnly
            ? "; that file is on a read-only file system: choose a writable place"
            : "; this user needs access to that file and its folder (check their owner and mode with `ls -l`; a folder made by another user, as a container running as root makes them, is a common cause)";
    }

    /// <summary>What to do about a full disk, whichever way the failure arrived (an exception or an errno).</summary>
    private const string FreeSpace = "; free some space on that disk";

    private const int ENOSPC = 28, EDQUOT = 122, EACCES = 13, EPERM = 1, EROFS = 30;

    /// <summary>Linux's "too many symbolic links": what an open with O_NOFOLLOW says when it meets a link.</summary>
    private const int ELOOP = 40;

    private const int WinDiskFull = 0x70, WinHandleDiskFull = 0x27, WinAccessDenied = 5;

    private static bool IsDiskFull(IOException io)
    {
        var code = io.HResult & 0xFFFF;
        return OperatingSystem.IsWindows() ? code is WinDiskFull or WinHandleDiskFull : code is ENOSPC or EDQUOT
            || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsPermission(IOException io)
    {
        var code = io.HResult & 0xFFFF;
        return OperatingSystem.IsWindows() ? code == WinAccessDenied : code is EACCES or EPERM or EROFS
            || (OperatingSystem.IsLinux() && code == ELOOP)
            || io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase);
    }

    internal static BuildStateException FromErrno(int errno, string path, string action)
    {
        var kind = errno switch
        {
            ENOSPC or EDQUOT => StoreErrorKind.DiskFull,
            EACCES or EPERM or EROFS => StoreErrorKind.PermissionDenied,
            ELOOP when OperatingSystem.IsLinux() => StoreErrorKind.PermissionDenied, // a symbolic link where the store opened with O_NOFOLLOW
            _ => StoreErrorKind.General,
        };
        var message = $"cannot {action}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        var hint = kind == StoreErrorKind.DiskFull ? FreeSpace
            : kind != StoreErrorKind.PermissionDenied ? ""
            : errno == ELOOP ? "; a symbolic link stands where the store expects a file, and the store never follows links (remove the link)"
            : AccessHint(errno == EROFS ? "Read-only file system" : "");
        return new BuildStateException(kind, message + hint, path);
    }
}
