using BuildState.IO;

namespace BuildState.Core.Tests.Infrastructure;

/// <summary>The real file system, with every operation overridable: the base of test file layers that count or refuse.</summary>
public abstract class DelegatingFileSystem : IFileSystem
{
    protected static readonly PhysicalFileSystem Real = PhysicalFileSystem.Instance;

    public virtual bool FileExists(string path) => Real.FileExists(path);

    public virtual bool DirectoryExists(string path) => Real.DirectoryExists(path);

    public virtual bool IsSymbolicLink(string path) => Real.IsSymbolicLink(path);

    public virtual (long Length, long WriteTicks)? GetFileStamp(string path) => Real.GetFileStamp(path);

    public virtual PathKind GetPathKind(string path) => Real.GetPathKind(path);

    public virtual byte[] ReadAllBytes(string path, long maxBytes) => Real.ReadAllBytes(path, maxBytes);

    public virtual byte[] ReadFrom(string path, long offset, long maxBytes) => Real.ReadFrom(path, offset, maxBytes);

    public virtual IEnumerable<string> EnumerateFiles(string directory, string pattern) => Real.EnumerateFiles(directory, pattern);

    public virtual IEnumerable<string> EnumerateDirectories(string directory) => Real.EnumerateDirectories(directory);

    public virtual void WriteFile(string path, ReadOnlySpan<byte> data, bool sync) => Real.WriteFile(path, data, sync);

    public virtual void AppendFile(string path, ReadOnlySpan<byte> data, bool sync) => Real.AppendFile(path, data, sync);

    /// <summary>Through this layer's own AppendFile and GetFileStamp, so that layers overriding those see history appends too.</summary>
    public virtual (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync) => IFileSystem.AppendThenStamp(this, path, data, sync);

    public virtual void SyncFile(string path) => Real.SyncFile(path);

    public virtual void TruncateFile(string path, long length) => Real.TruncateFile(path, length);

    public virtual void Rename(string source, string destination) => Real.Rename(source, destination);

    /// <summary>The real replacement (in place and swapped, on Linux) unless a layer overrides WriteFile or Rename, which must then see it.</summary>
    public virtual void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data)
    {
        if (OverridesWritesOrRenames)
        {
            IFileSystem.WriteThenRename(this, path, spare, data);
        }
        else
        {
            Real.ReplaceFile(path, spare, data);
        }
    }

    /// <summary>The real record write (in place, on Linux) unless a layer overrides what a commit's append used, which must then see it (as an append).</summary>
    public virtual LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync) =>
        AppendsRecords
            ? IFileSystem.AppendRecord(this, path, offset, record, before, sync)
            : Real.WriteRecord(path, offset, record, before, sync);

    /// <summary>The identity the record writes above give: the write time with appends, the real one (on Linux the inode's) otherwise.</summary>
    public virtual (long Length, long Identity)? GetFileIdentity(string path) =>
        AppendsRecords ? GetFileStamp(path) : Real.GetFileIdentity(path);

    /// <summary>Through this layer's own queries when it appends records (or overrides reads), the real check otherwise.</summary>
    public virtual bool IsLogUnchanged(string path, LogStamp stamp) =>
        AppendsRecords || Overrides(nameof(ReadFrom), nameof(ReadAllBytes))
            ? IFileSystem.IsLogUnchangedFromQueries(this, path, stamp)
            : Real.IsLogUnchanged(path, stamp);

    private bool AppendsRecords =>
        Overrides(nameof(AppendFile), nameof(AppendAndStamp), nameof(SyncFile), nameof(GetFileStamp), nameof(TruncateFile));

    private bool Overrides(params string[] methods) =>
        methods.Any(m => GetType().GetMethod(m)!.DeclaringType != typeof(DelegatingFileSystem));

    private bool OverridesWritesOrRenames =>
        GetType().GetMethod(nameof(WriteFile))!.DeclaringType != typeof(DelegatingFileSystem)
        || GetType().GetMethod(nameof(Rename))!.DeclaringType != typeof(DelegatingFileSystem);

    public virtual void SyncDirectory(string path) => Real.SyncDirectory(path);

    public virtual void CreateDirectory(string path) => Real.CreateDirectory(path);

    public virtual void DeleteFile(string path) => Real.DeleteFile(path);

    public virtual void DeleteDirectory(string path) => Real.DeleteDirectory(path);

    public virtual void MoveDirectory(string source, string destination) => Real.MoveDirectory(source, destination);
}
