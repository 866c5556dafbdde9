using BuildState.Errors;
using BuildState.Store;

namespace BuildState.IO;

/// <summary>The real file system: owner-only permissions on Unix, real fsync of files and directories.</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    public static readonly PhysicalFileSystem Instance = new();

    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool IsSymbolicLink(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!OperatingSystem.IsWindows())
            {
                // One lstat: on Unix ReparsePoint means exactly "symbolic link" (-1 when nothing is there).
                var attributes = info.Attributes;
                return (int)attributes != -1 && attributes.HasFlag(FileAttributes.ReparsePoint);
            }

            return info.Exists || Directory.Exists(path) ? info.LinkTarget is not null : false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public PathKind GetPathKind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return IFileSystem.KindFromQueries(this, path);
        }

        if (UnixFiles.Supported && UnixFiles.KindOf(path) is { } kind)
        {
            return kind; // one statx of the type alone, which leaves the kernel's next time for it coarse
        }

        try
        {
            // One lstat (FileInfo reads the link's own status; only for a link does it stat the target too).
            var attributes = new FileInfo(path).Attributes;
            return (int)attributes == -1 ? PathKind.None
                : attributes.HasFlag(FileAttributes.ReparsePoint) ? PathKind.SymbolicLink
                : attributes.HasFlag(FileAttributes.Directory) ? PathKind.Directory
                : PathKind.File;
        }
        catch (IOException)
        {
            return PathKind.None;
        }
    }

    public (long Length, long WriteTicks)? GetFileStamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : null;
    }

    public byte[] ReadAllBytes(string path, long maxBytes) => ReadFrom(path, 0, maxBytes);

    public byte[] ReadFrom(string path, long offset, long maxBytes)
    {
        if (ConcurrentAppend.Supported)
        {
            return ConcurrentAppend.ReadFrom(path, offset, maxBytes);
        }

        try
        {
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan,
            });
            var length = Math.Max(0, stream.Length - offset);
            if (length > maxBytes)
            {
                throw BuildStateException.Corrupt(path, offset == 0
                    ? $"the file is {length} bytes, more than the limit of {maxBytes}"
                    : $"the file has {length} bytes past offset {offset}, more than the limit of {maxBytes}");
            }

            var buffer = new byte[length];
            stream.Position = Math.Min(offset, stream.Length);
            stream.ReadExactly(buffer);
            return buffer;
        }
        catch (FileNotFoundException)
        {
            throw BuildStateException.NotFound("the file does not exist", path);
        }
        catch (DirectoryNotFoundException)
        {
            throw BuildStateException.NotFound("the file does not exist", path);
        }
        catch (EndOfStreamException)
        {
            throw BuildStateException.Corrupt(path, "the file shrank while it was read");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "read the file");
        }
    }

    public void WriteFile(string path, ReadOnlySpan<byte> data, bool sync)
    {
        if (UnixFiles.Supported)
        {
            UnixFiles.Write(path, data, sync);
        }
        else
        {
            Write(path, data, FileMode.Create, sync);
        }
    }

    public void AppendFile(string path, ReadOnlySpan<byte> data, bool sync) => Write(path, data, FileMode.Append, sync);

    public void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data)
    {
        if (UnixFiles.Supported)
        {
            UnixFiles.ReplaceThroughSpare(path, spare, data);
        }
        else
        {
            IFileSystem.WriteThenRename(this, path, spare, data);
        }
    }

    public LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync) =>
        UnixFiles.Supported ? UnixFiles.WriteRecord(path, offset, record, before, sync) : IFileSystem.AppendRecord(this, path, offset, record, before, sync);

    public (long Length, long Identity)? GetFileIdentity(string path) =>
        UnixFiles.Supported ? UnixFiles.Identity(path) : GetFileStamp(path);

    public bool IsLogUnchanged(string path, LogStamp stamp) =>
        UnixFiles.Supported ? UnixFiles.IsLogUnchanged(path, stamp) : IFileSystem.IsLogUnchangedFromQueries(this, path, stamp);

    public (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync) =>
        UnixFiles.Supported ? UnixFiles.AppendAndStamp(path, data, sync) : IFileSystem.AppendThenStamp(this, path, data, sync);

    public bool AppendsAreConcurrent => ConcurrentAppend.Supported;

    public long AppendConcurrent(string path, ReadOnlySpan<byte> data) =>
        ConcurrentAppend.Supported ? ConcurrentAppend.Append(path, data) : IFileSystem.AppendThenMeasure(this, path, data);

    public void DrainAppends(string path, Action drain)
    {
        if (ConcurrentAppend.Supported)
        {
            ConcurrentAppend.Drain(path, drain);
        }
        else
        {
            IFileSystem.DrainThenDelete(this, path, drain);
        }
    }

    private static void Write(string path, ReadOnlySpan<byte> data, FileMode mode, bool sync)
    {
        try
        {
            var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode600;
            }

            using var stream = new FileStream(path, options);
            stream.Write(data);
            if (sync)
            {
                // Flush(true) is fsync on Unix and FlushFileBuffers on Windows. A failure throws and
                // is not retried: the kernel may have dropped the dirty pages already.
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, mode == FileMode.Append ? "append to the file" : "write the file");
        }
    }

    public void SyncFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "fsync the file");
        }
    }

    public void TruncateFile(string path, long length)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            stream.SetLength(length);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "truncate the file");
        }
    }

    public void Rename(string source, string destination)
    {
        if (UnixFiles.Supported)
        {
            UnixFiles.Rename(source, destination);
            return;
        }

        try
        {
            File.Move(source, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, destination, "rename a file into place");
        }
    }

    public void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals renames; there is no directory handle to flush.
        }

        var flags = Posix.O_RDONLY | Posix.O_CLOEXEC | (Posix.FlagsKnown ? Posix.O_DIRECTORY : 0);
        var fd = Posix.Open(path, flags, 0);
        if (fd < 0)
        {
            throw BuildStateException.FromErrno(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), path, "open the directory to fsync it");
        }

        try
        {
            if (Posix.FSync(fd) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                // Some file systems cannot fsync a directory (EINVAL); their renames are as durable as they get.
                if (errno != Posix.EINVAL)
                {
                    throw BuildStateException.FromErrno(errno, path, "fsync the directory");
                }
            }
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    public void CreateDirectory(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, DirMode700);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "create the directory");
        }
    }

    public void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "delete the file");
        }
    }

    public void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, path, "delete the directory");
        }
    }

    public void MoveDirectory(string source, string destination)
    {
        try
        {
            Directory.Move(source, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BuildStateException.FromIo(e, destination, "move the directory");
        }
    }

    public IEnumerable<string> EnumerateFiles(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, pattern) : NothingUnlessRefused(directory);

    public IEnumerable<string> EnumerateDirectories(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateDirectories(directory) : NothingUnlessRefused(directory);

    /// <summary>
    /// An absent folder lists nothing. But Directory.Exists is also false for a folder this user may
    /// not look into (a store folder of another user, mode 0700): listing that as empty would make
    /// a store nobody can read look empty and valid. A stat of the path tells the two apart.
    /// </summary>
    private static string[] NothingUnlessRefused(string directory)
    {
        try
        {
            _ = File.GetAttributes(directory);
        }
        catch (UnauthorizedAccessException e)
        {
            throw BuildStateException.FromIo(e, directory, "look into the folder");
        }
        catch (IOException)
        {
            // absent (or a parent is a file): nothing to list
        }

        return [];
    }
}
