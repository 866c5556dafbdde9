using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BuildState.IO;

/// <summary>
/// A folder restore writes into, checked to lie inside the repository as the system resolves it
/// and then written through. On Linux the folder is opened once and checked by what the open
/// descriptor is (<c>/proc/self/fd</c>); every file is then created, read and renamed relative to
/// that descriptor (<c>openat</c>, <c>renameat</c>), so a folder on the way that is swapped for a
/// link to elsewhere after the check cannot take the write there. Elsewhere the folder's path is
/// resolved again when it is opened, just before the writes: a narrower window, not none.
/// </summary>
internal sealed partial class ContainedFolder : IDisposable
{
    private readonly string _path;
    private readonly int _fd;

    private ContainedFolder(string path, int fd)
    {
        _path = path;
        _fd = fd;
    }

    /// <summary>Written by path (no descriptor): where <see cref="ThroughDescriptor"/> is false, or a test asked for it.</summary>
    private bool ByPath => _fd < 0;

    /// <summary>
    /// True where files are written through an open folder: Linux on x86/x64 (where the open flags
    /// are known) with <c>/proc</c> mounted (a container without it checks by path).
    /// </summary>
    public static bool ThroughDescriptor { get; } = Posix.FlagsKnown && Directory.Exists("/proc/self/fd");

    /// <summary>
    /// <paramref name="folder"/> (created when missing), open for writing files into; null when it
    /// leads out of <paramref name="resolvedRoot"/> (a root whose links are already resolved).
    /// <paramref name="throughDescriptor"/> false writes by path where a descriptor could be used
    /// (tests of the other systems' way).
    /// </summary>
    public static ContainedFolder? Open(string folder, string resolvedRoot, bool throughDescriptor = true)
    {
        Directory.CreateDirectory(folder);
        if (!throughDescriptor || !ThroughDescriptor)
        {
            return PathLinks.Relation(PathLinks.Resolve(folder), resolvedRoot) != PathRelation.Outside ? new ContainedFolder(folder, -1) : null;
        }

        var fd = Posix.Open(folder, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Error(folder, "open the folder");
        }

        // What the descriptor is, whatever the path now leads to: the kernel's own name for it.
        var opened = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        if (opened is null || PathLinks.Relation(opened, resolvedRoot) == PathRelation.Outside)
        {
            Posix.Close(fd);
            return null;
        }

        return new ContainedFolder(folder, fd);
    }

    /// <summary>Creates file <paramref name="name"/> in the folder (never one already there, never through a link) with <paramref name="data"/> and, when given, those permission bits.</summary>
    public void WriteNew(string name, ReadOnlySpan<byte> data, UnixFileMode? mode)
    {
        using var handle = OpenFile(name, O_WRONLY | Posix.O_CREAT | O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, "write the file", FileMode.CreateNew, FileAccess.Write);
        if (mode is { } bits && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, bits); // before the rename: the file appears with its bits
        }

        RandomAccess.Write(handle, data, 0);
    }

    /// <summary>File <paramref name="name"/> in the folder, open for reading (never through a link).</summary>
    public FileStream OpenRead(string name) =>
        new(OpenFile(name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, "read the file", FileMode.Open, FileAccess.Read), FileAccess.Read);

    /// <summary>Puts file <paramref name="from"/> in place of <paramref name="to"/>, both in the folder (atomic: a reader sees one or the other).</summary>
    public void Replace(string from, string to)
    {
        if (ByPath)
        {
            File.Move(Path.Combine(_path, from), Path.Combine(_path, to), overwrite: true);
            return;
        }

        if (RenameAt(_fd, from, _fd, to) != 0)
        {
            throw Error(Path.Combine(_path, to), "write the file");
        }
    }

    /// <summary>Removes file <paramref name="name"/> from the folder when it is there; a failure leaves it.</summary>
    public void DeleteIfThere(string name)
    {
        if (ByPath)
        {
            try
            {
                File.Delete(Path.Combine(_path, name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            return;
        }

        _ = UnlinkAt(_fd, name, 0);
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Posix.Close(_fd);
        }
    }

    private SafeFileHandle OpenFile(string name, int flags, string action, FileMode mode, FileAccess access)
    {
        if (ByPath)
        {
            return File.OpenHandle(Path.Combine(_path, name), mode, access, FileShare.Read);
        }

        var fd = OpenAt(_fd, name, flags, DefaultFileMode);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(Path.Combine(_path, name), action);
    }

    /// <summary>The last call's failure, about an artifact file or folder (not one of the store's).</summary>
    private static Errors.BuildStateException Error(string path, string action)
    {
        var errno = Marshal.GetLastPInvokeError();
        return Errors.BuildStateException.FromIo(new IOException(Marshal.GetPInvokeErrorMessage(errno), errno), path, action, storeFile: false);
    }

    // The mode .NET creates files with (the umask applies), as File.WriteAllBytes did here before.
    private const int DefaultFileMode = 0x1B6; // 0666
    private const int O_WRONLY = 1, O_EXCL = 0x80;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(int fromDirFd, string from, int toDirFd, string to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int dirFd, string path, int flags);
}
