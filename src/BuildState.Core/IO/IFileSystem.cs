using BuildState.Errors;

namespace BuildState.IO;

/// <summary>
/// The file operations the store is built from. Everything the store writes goes through this
/// interface, so tests can put a fault-injecting layer underneath (see the crash simulator in the
/// tests) and check the store's crash safety at every write and flush boundary.
/// </summary>
public interface IFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    /// <summary>True when the path is a symbolic link (the store never follows one).</summary>
    bool IsSymbolicLink(string path);

    /// <summary>Length and last-write ticks (UTC), or null when the file does not exist.</summary>
    (long Length, long WriteTicks)? GetFileStamp(string path);

    /// <summary>
    /// What is at <paramref name="path"/>, the path itself not followed: nothing, a file, a folder or
    /// a symbolic link. Answers "exists?" and "a link?" at once (one lstat on Unix).
    /// </summary>
    PathKind GetPathKind(string path) => KindFromQueries(this, path);

    /// <summary>Reads a whole file; throws a Corruption error when it is longer than <paramref name="maxBytes"/>.</summary>
    byte[] ReadAllBytes(string path, long maxBytes);

    /// <summary>
    /// Reads a file from <paramref name="offset"/> to its end (empty when the file is shorter); throws
    /// a Corruption error when that is more than <paramref name="maxBytes"/>. Lets a reader take only
    /// the records appended to a log since it last looked.
    /// </summary>
    byte[] ReadFrom(string path, long offset, long maxBytes)
    {
        var all = ReadAllBytes(path, offset + maxBytes);
        return offset >= all.Length ? [] : all[(int)offset..];
    }

    /// <summary>Creates or replaces a file's content (owner-only on Unix); with <paramref name="sync"/>, fsyncs it.</summary>
    void WriteFile(string path, ReadOnlySpan<byte> data, bool sync);

    /// <summary>Appends to a file (created owner-only when missing); with <paramref name="sync"/>, fsyncs it.</summary>
    void AppendFile(string path, ReadOnlySpan<byte> data, bool sync);

    /// <summary>
    /// <see cref="AppendFile"/>, then the file's stamp (as <see cref="GetFileStamp"/> gives it) just
    /// after the append. The caller must keep other writers out (a build's history log: its lock).
    /// </summary>
    (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync) => AppendThenStamp(this, path, data, sync);

    /// <summary>
    /// Length and identity of a file (which file it is: on Linux its inode number and birth time,
    /// read without its write or change time; elsewhere its write time), or null when it does not
    /// exist. The part of a history log's <see cref="LogStamp"/> that comes from the file.
    /// </summary>
    (long Length, long Identity)? GetFileIdentity(string path) => GetFileStamp(path);

    /// <summary>
    /// True when the log at <paramref name="path"/> is as <paramref name="stamp"/> saw it: the same
    /// file, the same length, and no record after <paramref name="stamp"/>'s end (only zeros, or
    /// nothing, from there). The default reads the file from that end; on Linux one byte is read
    /// there (the next record would start with its header).
    /// </summary>
    bool IsLogUnchanged(string path, LogStamp stamp) => IsLogUnchangedFromQueries(this, path, stamp);

    /// <summary>The plain check behind <see cref="IsLogUnchanged"/>: identity, then the bytes from the end.</summary>
    internal static bool IsLogUnchangedFromQueries(IFileSystem fs, string path, LogStamp stamp)
    {
        if (fs.GetFileIdentity(path) != (stamp.Length, stamp.Identity))
        {
            return false;
        }

        if (stamp.End >= stamp.Length)
        {
            return true;
        }

        try
        {
            return fs.ReadFrom(path, stamp.End, stamp.Length - stamp.End).AsSpan().IndexOfAnyExcept((byte)0) < 0;
        }
        catch (BuildStateException)
        {
            return false; // changed (or gone) while it was read
        }
    }

    /// <summary>
    /// Writes one history record at <paramref name="offset"/>, the end of the log's last record,
    /// and returns the log's stamp just after (its end: the record's). <paramref name="before"/>: the
    /// stamp the caller found (under the lock that keeps other writers out), or null when it has
    /// none. The default appends (cutting first any zero bytes written ahead past
    /// <paramref name="offset"/>), so the file's length changes with every record. On Linux the
    /// record goes in place into zero bytes written ahead (growing the file by a chunk when they run
    /// out): a record then costs an fdatasync of data blocks only, and neither the file's length nor
    /// its times tell that it changed; its stamp's end does (docs/store-format.md).
    /// </summary>
    LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync) =>
        AppendRecord(this, path, offset, record, before, sync);

    /// <summary>The plain record write behind <see cref="WriteRecord"/>: an append, after cutting any space written ahead.</summary>
    internal static LogStamp AppendRecord(IFileSystem fs, string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync)
    {
        if ((before?.Length ?? fs.GetFileStamp(path)?.Length) is { } length && length > offset)
        {
            fs.TruncateFile(path, offset);
        }

        var (newLength, ticks) = fs.AppendAndStamp(path, record, sync);
        return new LogStamp(newLength, ticks, offset + record.Length);
    }

    /// <summary>
    /// True when <see cref="AppendConcurrent"/> is safe for many processes at once without any other
    /// lock (see ConcurrentAppend); false makes the store take its own lock around those appends.
    /// </summary>
    bool AppendsAreConcurrent => false;

    /// <summary>Appends in one write (created owner-only when missing); returns the file's length after it.</summary>
    long AppendConcurrent(string path, ReadOnlySpan<byte> data) => AppendThenMeasure(this, path, data);

    /// <summary>
    /// Runs <paramref name="drain"/> while no <see cref="AppendConcurrent"/> to <paramref name="path"/>
    /// is in progress, then empties (or removes) the file.
    /// </summary>
    void DrainAppends(string path, Action drain) => DrainThenDelete(this, path, drain);

    /// <summary>The plain append behind <see cref="AppendConcurrent"/> where appends need the store's own lock.</summary>
    internal static long AppendThenMeasure(IFileSystem fs, string path, ReadOnlySpan<byte> data)
    {
        fs.AppendFile(path, data, sync: false);
        return fs.GetFileStamp(path)?.Length ?? data.Length;
    }

    /// <summary>The plain append behind <see cref="AppendAndStamp"/>: an append, then a stat of the path.</summary>
    internal static (long Length, long WriteTicks) AppendThenStamp(IFileSystem fs, string path, ReadOnlySpan<byte> data, bool sync)
    {
        fs.AppendFile(path, data, sync);
        return fs.GetFileStamp(path) ?? throw BuildStateException.NotFound("the file vanished as it was appended to", path);
    }

    /// <summary>The plain answer behind <see cref="GetPathKind"/>, from the other queries.</summary>
    internal static PathKind KindFromQueries(IFileSystem fs, string path) =>
        fs.IsSymbolicLink(path) ? PathKind.SymbolicLink
        : fs.DirectoryExists(path) ? PathKind.Directory
        : fs.FileExists(path) ? PathKind.File
        : PathKind.None;

    /// <summary>The plain drain behind <see cref="DrainAppends"/>: the caller's lock keeps appends out.</summary>
    internal static void DrainThenDelete(IFileSystem fs, string path, Action drain)
    {
        drain();
        if (fs.FileExists(path))
        {
            fs.DeleteFile(path);
        }
    }

    /// <summary>fsyncs an existing file.</summary>
    void SyncFile(string path);

    /// <summary>Cuts a file to <paramref name="length"/> bytes and fsyncs it.</summary>
    void TruncateFile(string path, long length);

    /// <summary>
    /// Replaces <paramref name="path"/>'s content by name: a reader that opens the path gets the old
    /// file or the new one, never a missing one. <paramref name="spare"/> (in the same folder) is the
    /// file the new content is written into; the caller keeps other writers of both out (the build's
    /// lock). The default writes the spare whole and renames it over the path. On Linux the spare is
    /// overwritten in place and swapped with the path (<c>renameat2(RENAME_EXCHANGE)</c>), so the old
    /// file becomes the next spare: no inode is created or freed. A reader that opened the old file
    /// just before can then see it rewritten under it: the content must carry its own check
    /// (a state file's <c>crc32</c>).
    /// </summary>
    void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data) => WriteThenRename(this, path, spare, data);

    /// <summary>The plain replacement behind <see cref="ReplaceFile"/>: the spare written whole, then renamed over the path.</summary>
    internal static void WriteThenRename(IFileSystem fs, string path, string spare, ReadOnlySpan<byte> data)
    {
        fs.WriteFile(spare, data, sync: false);
        fs.Rename(spare, path);
    }

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void Rename(string source, string destination);

    /// <summary>fsyncs a directory so renames and creations inside it survive power loss (no-op where unsupported).</summary>
    void SyncDirectory(string path);

    /// <summary>Creates a directory and its parents, owner-only on Unix.</summary>
    void CreateDirectory(string path);

    void DeleteFile(string path);

    void DeleteDirectory(string path);

    void MoveDirectory(string source, string destination);

    IEnumerable<string> EnumerateFiles(string directory, string pattern);

    IEnumerable<string> EnumerateDirectories(string directory);
}

/// <summary>What a path names, the path itself not followed (see <see cref="IFileSystem.GetPathKind"/>).</summary>
public enum PathKind
{
    None,
    File,
    Directory,
    SymbolicLink,
}
