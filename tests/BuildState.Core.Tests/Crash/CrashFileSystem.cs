using System.IO.Enumeration;
using BuildState.Errors;
using BuildState.IO;

namespace BuildState.Core.Tests.Crash;

/// <summary>Thrown by <see cref="CrashFileSystem"/> when the simulated machine loses power: the "process" is gone.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException(int boundary)
        : base($"simulated crash at operation boundary {boundary}")
    {
    }
}

/// <summary>What happens to the writes that were not yet durable when the simulated crash hit.</summary>
public enum CrashKind
{
    /// <summary>Only the process died: the kernel still has every write and every rename (page cache survives).</summary>
    ProcessKill,

    /// <summary>
    /// Power loss: every unsynced data write is independently kept, dropped, torn (a prefix, or
    /// sector-sized pieces) or replaced by garbage; unsynced directory operations (create, rename,
    /// delete, mkdir) are lost from some point on (journal order).
    /// </summary>
    PowerLossOrdered,

    /// <summary>Power loss where every unsynced directory operation is independently kept or lost (a harsher file system).</summary>
    PowerLossUnordered,
}

/// <summary>
/// An in-memory file system that models durability the way SQLite's crash simulator (test6.c) does,
/// with POSIX semantics for directories:
/// <list type="bullet">
/// <item>Every file is an inode with its <em>durable</em> content and a list of <em>pending</em>
/// (unsynced) writes and truncations. <c>fsync</c> of the file (<see cref="SyncFile"/>, or
/// <c>sync: true</c>, or <see cref="TruncateFile"/>) makes the content durable, not its name.</item>
/// <item>Every directory has its durable entries and its current entries. Creating, renaming,
/// deleting a file and making or moving a directory are directory operations; each is atomic (a
/// rename is never half done) but only <see cref="SyncDirectory"/> of a directory it touches makes it
/// durable. A new directory is reachable after a crash only when its own entry in its parent is
/// durable (so parents must be synced too).</item>
/// <item>With <see cref="CrashAtOperation"/> set, the Nth mutating operation boundary (a write, an
/// fsync, a rename, ... ; a write with <c>sync: true</c> counts as two boundaries, the write and the
/// fsync) throws <see cref="SimulatedCrashException"/>, and so does every later call: the process is
/// dead. <see cref="AfterCrash"/> then builds the file system as a reboot would find it.</item>
/// </list>
/// Reads see the current (page cache) view. Paths are full paths; the tree is rooted at the
/// filesystem root of the first path given. Locks are not files here: use <c>InProcessLockProvider</c>.
/// </summary>
public sealed class CrashFileSystem : IFileSystem
{
    public const int SectorSize = 512;

    private readonly DirNode _root;
    private readonly List<MetaOp> _pendingMeta = [];
    private readonly object _gate = new();
    private long _clock = 638_000_000_000_000_000;
    private int _boundaries;
    private bool _crashed;

    public CrashFileSystem()
    {
        _root = new DirNode();
    }

    private CrashFileSystem(DirNode root, long clock, bool journal)
    {
        _root = root;
        _clock = clock;
        JournalCommitsOnFsync = journal;
    }

    /// <summary>The boundary at which to crash (0 = before the first mutating operation); null = never.</summary>
    public int? CrashAtOperation { get; set; }

    /// <summary>
    /// False (the default): strict POSIX, a directory operation is durable only after an fsync of a
    /// directory it touches. True: a journaling file system such as ext4 (data=ordered) or XFS,
    /// where any fsync commits the journal, and with it every directory operation made so far.
    /// </summary>
    public bool JournalCommitsOnFsync { get; init; }

    /// <summary>Mutating operation boundaries passed so far.</summary>
    public int Boundaries => _boundaries;

    public bool HasCrashed => _crashed;

    /// <summary>Creates a directory chain and makes it durable at once (the world outside the store).</summary>
    public void CreateDurableDirectory(string path)
    {
        lock (_gate)
        {
            var dir = _root;
            foreach (var part in Split(path))
            {
                if (!dir.Entries.TryGetValue(part, out var node))
                {
                    node = new DirNode();
                    dir.Entries[part] = node;
                    dir.Durable[part] = node;
                }

                dir = (DirNode)node;
            }
        }
    }

    /// <summary>A deep copy of the current view, every byte durable (used as a starting point for fuzzing).</summary>
    public CrashFileSystem CloneCurrent()
    {
        lock (_gate)
        {
            return new CrashFileSystem(CopyCurrent(_root), _clock + 1_000_000, JournalCommitsOnFsync);
        }
    }

    private static DirNode CopyCurrent(DirNode dir)
    {
        var copy = new DirNode();
        foreach (var (name, node) in dir.Entries)
        {
            Node child = node switch
            {
                DirNode d => CopyCurrent(d),
                FileNode f => new FileNode { Durable = f.Current.ToArray(), Current = f.Current.ToArray(), Ticks = f.Ticks, Id = f.Id },
                _ => throw new InvalidOperationException(),
            };
            copy.Entries[name] = child;
            copy.Durable[name] = child;
        }

        return copy;
    }

    /// <summary>
    /// What a reboot finds after the crash: a new file system holding only what was durable, plus
    /// the pending writes and directory operations that <paramref name="kind"/> and
    /// <paramref name="random"/> decide survived. <paramref name="log"/> receives one line per fault.
    /// </summary>
    public CrashFileSystem AfterCrash(CrashKind kind, Random random, List<string>? log = null)
    {
        lock (_gate)
        {
            if (kind == CrashKind.ProcessKill)
            {
                return new CrashFileSystem(CopyCurrent(_root), _clock + 1_000_000, JournalCommitsOnFsync);
            }

            // 1. Directory operations not made durable by a directory fsync.
            var keep = new bool[_pendingMeta.Count];
            if (kind == CrashKind.PowerLossOrdered)
            {
                var cut = random.Next(_pendingMeta.Count + 1);
                for (var i = 0; i < cut; i++)
                {
                    keep[i] = true;
                }

                log?.Add($"directory ops: kept {cut} of {_pendingMeta.Count} pending (in order)");
            }
            else
            {
                for (var i = 0; i < keep.Length; i++)
                {
                    keep[i] = random.Next(2) == 0;
                }

                log?.Add($"directory ops: kept [{string.Join(",", keep.Select(k => k ? 1 : 0))}] of {_pendingMeta.Count} pending (independently)");
            }

            // Durable maps are copied, never changed: this file system stays as it was.
            var durableMaps = new Dictionary<DirNode, Dictionary<string, Node>>();
            Dictionary<string, Node> MapOf(DirNode d)
            {
                if (!durableMaps.TryGetValue(d, out var map))
                {
                    map = new Dictionary<string, Node>(d.Durable, StringComparer.Ordinal);
                    durableMaps[d] = map;
                }

                return map;
            }

            for (var i = 0; i < _pendingMeta.Count; i++)
            {
                if (!keep[i])
                {
                    continue;
                }

                foreach (var (dir, name, node) in _pendingMeta[i].Effects)
                {
                    var map = MapOf(dir);
                    if (node is null)
                    {
                        map.Remove(name);
                    }
                    else
                    {
                        map[name] = node;
                    }
                }
            }

            // 2. File contents: each pending write independently survives, vanishes, tears or turns to garbage.
            var files = new Dictionary<FileNode, FileNode>();
            var dirs = new Dictionary<DirNode, DirNode>();
            DirNode Rebuild(DirNode d, string path)
            {
                if (dirs.TryGetValue(d, out var done))
                {
                    return done;
                }

                var copy = new DirNode();
                dirs[d] = copy;
                var map = durableMaps.TryGetValue(d, out var m) ? m : d.Durable;
                foreach (var (name, node) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    Node child = node switch
                    {
                        DirNode sub => Rebuild(sub, path + "/" + name),
                        FileNode f => files.TryGetValue(f, out var known) ? known : files[f] = ResolveFile(f, random, path + "/" + name, log),
                        _ => throw new InvalidOperationException(),
                    };
                    copy.Entries[name] = child;
                    copy.Durable[name] = child;
                }

                return copy;
            }

            return new CrashFileSystem(Rebuild(_root, ""), _clock + 1_000_000, JournalCommitsOnFsync);
        }
    }

    private static FileNode ResolveFile(FileNode f, Random random, string path, List<string>? log)
    {
        var content = new List<byte>(f.Durable);
        foreach (var op in f.Pending)
        {
            if (op.Data is null)
            {
                // A pending truncation: the size change reaches the disk or not.
                if (random.Next(2) == 0)
                {
                    Resize(content, op.Offset);
                    log?.Add($"{path}: pending truncate to {op.Offset} kept");
                }
                else
                {
                    log?.Add($"{path}: pending truncate to {op.Offset} lost");
                }

                continue;
            }

            var fate = random.Next(10);
            switch (fate)
            {
                case 0 or 1 or 2:
                    log?.Add($"{path}: write of {op.Data.Length} bytes at {op.Offset} lost");
                    break;
                case 3 or 4:
                    WriteAt(content, op.Offset, op.Data);
                    log?.Add($"{path}: write of {op.Data.Length} bytes at {op.Offset} kept");
                    break;
                case 5 or 6:
                {
                    var length = op.Data.Length == 0 ? 0 : random.Next(op.Data.Length);
                    WriteAt(content, op.Offset, op.Data.AsSpan(0, length));
                    log?.Add($"{path}: write of {op.Data.Length} bytes at {op.Offset} torn after {length} bytes");
                    break;
                }

                case 7 or 8:
                {
                    // Sector by sector (aligned to the file offset): each sector written, lost or garbage.
                    var fates = new List<char>();
                    var position = op.Offset;
                    var index = 0;
                    while (index < op.Data.Length)
                    {
                        var sectorEnd = (position / SectorSize + 1) * SectorSize;
                        var length = (int)Math.Min(op.Data.Length - index, sectorEnd - position);
                        var piece = op.Data.AsSpan(index, length);
                        switch (random.Next(3))
                        {
                            case 0:
                                WriteAt(content, position, piece);
                                fates.Add('w');
                                break;
                            case 1:
                                fates.Add('-');
                                break;
                            default:
                                var garbage = new byte[length];
                                random.NextBytes(garbage);
                                WriteAt(content, position, garbage);
                                fates.Add('g');
                                break;
                        }

                        index += length;
                        position += length;
                    }

                    log?.Add($"{path}: write of {op.Data.Length} bytes at {op.Offset} by sector [{new string(fates.ToArray())}]");
                    break;
                }

                default:
                {
                    var garbage = new byte[op.Data.Length];
                    random.NextBytes(garbage);
                    WriteAt(content, op.Offset, garbage);
                    log?.Add($"{path}: write of {op.Data.Length} bytes at {op.Offset} replaced by garbage");
                    break;
                }
            }
        }

        var bytes = content.ToArray();
        return new FileNode { Durable = bytes, Current = bytes.ToArray(), Ticks = f.Ticks, Id = f.Id };
    }

    private static void Resize(List<byte> content, long length)
    {
        if (content.Count > length)
        {
            content.RemoveRange((int)length, content.Count - (int)length);
        }

        while (content.Count < length)
        {
            content.Add(0);
        }
    }

    private static void WriteAt(List<byte> content, long offset, ReadOnlySpan<byte> data)
    {
        if (content.Count < offset)
        {
            Resize(content, offset); // a hole reads as zeros
        }

        for (var i = 0; i < data.Length; i++)
        {
            var at = (int)offset + i;
            if (at < content.Count)
            {
                content[at] = data[i];
            }
            else
            {
                content.Add(data[i]);
            }
        }
    }

    // ---------------------------------------------------------------- IFileSystem: reads

    public bool FileExists(string path)
    {
        lock (_gate)
        {
            CheckAlive();
            return Find(path) is FileNode;
        }
    }

    public bool DirectoryExists(string path)
    {
        lock (_gate)
        {
            CheckAlive();
            return Find(path) is DirNode;
        }
    }

    public bool IsSymbolicLink(string path)
    {
        lock (_gate)
        {
            CheckAlive();
            return false;
        }
    }

    public (long Length, long WriteTicks)? GetFileStamp(string path)
    {
        lock (_gate)
        {
            CheckAlive();
            return Find(path) is FileNode f ? (f.Current.Length, f.Ticks) : null;
        }
    }

    /// <summary>As on Linux: the length and the inode (a file renamed over another is another); no time.</summary>
    public (long Length, long Identity)? GetFileIdentity(string path)
    {
        lock (_gate)
        {
            CheckAlive();
            return Find(path) is FileNode f ? (f.Current.Length, f.Id) : null;
        }
    }

    public byte[] ReadAllBytes(string path, long maxBytes)
    {
        lock (_gate)
        {
            CheckAlive();
            switch (Find(path))
            {
                case FileNode f:
                    if (f.Current.Length > maxBytes)
                    {
                        throw BuildStateException.Corrupt(path, $"the file is {f.Current.Length} bytes, more than the limit of {maxBytes}");
                    }

                    return f.Current.ToArray();
                case DirNode:
                    throw new BuildStateException(StoreErrorKind.PermissionDenied, "cannot read the file: it is a directory", path);
                default:
                    throw BuildStateException.NotFound("the file does not exist", path);
            }
        }
    }

    public IEnumerable<string> EnumerateFiles(string directory, string pattern)
    {
        lock (_gate)
        {
            CheckAlive();
            if (Find(directory) is not DirNode dir)
            {
                return [];
            }

            return dir.Entries
                .Where(e => e.Value is FileNode && FileSystemName.MatchesSimpleExpression(pattern, e.Key, ignoreCase: false))
                .Select(e => Path.Combine(directory, e.Key))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
    }

    public IEnumerable<string> EnumerateDirectories(string directory)
    {
        lock (_gate)
        {
            CheckAlive();
            if (Find(directory) is not DirNode dir)
            {
                return [];
            }

            return dir.Entries.Where(e => e.Value is DirNode).Select(e => Path.Combine(directory, e.Key)).Order(StringComparer.Ordinal).ToList();
        }
    }

    // ---------------------------------------------------------------- IFileSystem: writes

    public void WriteFile(string path, ReadOnlySpan<byte> data, bool sync)
    {
        lock (_gate)
        {
            Boundary();
            var (parent, name) = ParentOf(path, "write the file");
            var file = OpenForWrite(parent, name, path);
            file.Pending.Add(new DataOp(0, null));
            file.Pending.Add(new DataOp(0, data.ToArray()));
            file.Current = data.ToArray();
            file.Ticks = Tick();
            if (sync)
            {
                Boundary();
                file.MakeDurable();
                JournalCommit();
            }
        }
    }

    public void AppendFile(string path, ReadOnlySpan<byte> data, bool sync)
    {
        lock (_gate)
        {
            Boundary();
            var (parent, name) = ParentOf(path, "append to the file");
            var file = parent.Entries.TryGetValue(name, out var existing) && existing is FileNode f ? f : OpenForWrite(parent, name, path);
            file.Pending.Add(new DataOp(file.Current.Length, data.ToArray()));
            file.Current = [.. file.Current, .. data];
            file.Ticks = Tick();
            if (sync)
            {
                Boundary();
                file.MakeDurable();
                JournalCommit();
            }
        }
    }

    /// <summary>How far this file system writes a history log ahead: small, so the simulated workloads cross both paths (in place, and growing) often.</summary>
    public const int WriteAhead = 1024;

    /// <summary>
    /// The Linux record write (UnixFiles.WriteRecord): the record in place at <paramref name="offset"/>
    /// when it fits in the file, else the record and zeros up to the next chunk, one pending write
    /// either way (a power loss can lose, tear or garble it sector by sector; the zeros written
    /// ahead are durable only once an fsync made them so). The stamp is the file's length and inode
    /// and the record's end, as there: a record written in place changes neither the length nor the
    /// inode, only what starts at the previous end (IFileSystem.IsLogUnchanged, here through
    /// GetFileIdentity and ReadFrom).
    /// </summary>
    public LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync)
    {
        lock (_gate)
        {
            Boundary();
            var (parent, name) = ParentOf(path, "write to the file");
            var file = parent.Entries.TryGetValue(name, out var existing) && existing is FileNode f ? f : OpenForWrite(parent, name, path);
            if (offset > file.Current.Length)
            {
                throw new BuildStateException(StoreErrorKind.Corruption, "the log is shorter than its last record's end", path);
            }

            var end = offset + record.Length;
            var data = end <= file.Current.Length ? record.ToArray() : [.. record, .. new byte[((end + WriteAhead + SectorSize - 1) / SectorSize * SectorSize) - end]];
            file.Pending.Add(new DataOp(offset, data));
            var content = new List<byte>(file.Current);
            WriteAt(content, offset, data);
            file.Current = content.ToArray();
            file.Ticks = Tick();
            if (sync)
            {
                Boundary();
                file.MakeDurable();
                JournalCommit();
            }

            return new LogStamp(file.Current.Length, file.Id, end);
        }
    }

    public void SyncFile(string path)
    {
        lock (_gate)
        {
            Boundary();
            RequireFile(path, "fsync the file").MakeDurable();
            JournalCommit();
        }
    }

    public void TruncateFile(string path, long length)
    {
        lock (_gate)
        {
            Boundary();
            var file = RequireFile(path, "truncate the file");
            var content = new List<byte>(file.Current);
            Resize(content, length);
            file.Current = content.ToArray();
            file.Ticks = Tick();
            file.MakeDurable();
            JournalCommit();
        }
    }

    public void Rename(string source, string destination)
    {
        lock (_gate)
        {
            Boundary();
            var (fromDir, fromName) = ParentOf(source, "rename a file into place");
            var (toDir, toName) = ParentOf(destination, "rename a file into place");
            if (!fromDir.Entries.TryGetValue(fromName, out var node) || node is not FileNode)
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot rename a file into place: the source does not exist", destination);
            }

            if (toDir.Entries.TryGetValue(toName, out var target) && target is DirNode)
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot rename a file into place: the destination is a directory", destination);
            }

            if (ReferenceEquals(fromDir, toDir) && fromName == toName)
            {
                return;
            }

            fromDir.Entries.Remove(fromName);
            toDir.Entries[toName] = node;
            AddMeta(new MetaOp([(toDir, toName, node), (fromDir, fromName, null)]));
        }
    }

    /// <summary>
    /// The Linux replacement (UnixFiles.ReplaceThroughSpare): the spare overwritten in place and cut
    /// to length (pending writes to the same file, which a power loss can lose, tear or garble
    /// sector by sector), then swapped with the path in one directory operation (or renamed over
    /// it when the path is missing). Two boundaries: a crash can fall between the write and the swap.
    /// </summary>
    public void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            Boundary();
            var (spareDir, spareName) = ParentOf(spare, "write the file");
            var file = OpenForWrite(spareDir, spareName, spare);
            file.Pending.Add(new DataOp(0, data.ToArray()));
            file.Pending.Add(new DataOp(data.Length, null));
            file.Current = data.ToArray();
            file.Ticks = Tick();

            var (dir, name) = ParentOf(path, "swap a file into place");
            if (!dir.Entries.TryGetValue(name, out var old) || old is not FileNode)
            {
                Rename(spare, path);
                return;
            }

            Boundary();
            dir.Entries[name] = file;
            spareDir.Entries[spareName] = old;
            AddMeta(new MetaOp([(dir, name, file), (spareDir, spareName, old)]));
        }
    }

    public void SyncDirectory(string path)
    {
        lock (_gate)
        {
            Boundary();
            if (Find(path) is not DirNode dir)
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot open the directory to fsync it: No such file or directory (errno 2)", path);
            }

            JournalCommit();

            // Commit, in order, every pending directory operation that touches this directory.
            for (var i = 0; i < _pendingMeta.Count;)
            {
                var op = _pendingMeta[i];
                if (op.Effects.Any(e => ReferenceEquals(e.Dir, dir)))
                {
                    foreach (var (d, name, node) in op.Effects)
                    {
                        if (node is null)
                        {
                            d.Durable.Remove(name);
                        }
                        else
                        {
                            d.Durable[name] = node;
                        }
                    }

                    _pendingMeta.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }
        }
    }

    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            var dir = _root;
            var parts = Split(path);
            var created = false;
            foreach (var part in parts)
            {
                if (dir.Entries.TryGetValue(part, out var node))
                {
                    dir = node as DirNode ?? throw new BuildStateException(StoreErrorKind.General, "cannot create the directory: a file is in the way", path);
                    continue;
                }

                if (!created)
                {
                    Boundary();
                    created = true;
                }

                var sub = new DirNode();
                dir.Entries[part] = sub;
                AddMeta(new MetaOp([(dir, part, sub)]));
                dir = sub;
            }

            if (!created)
            {
                CheckAlive();
            }
        }
    }

    public void DeleteFile(string path)
    {
        lock (_gate)
        {
            Boundary();
            var (parent, name) = ParentOf(path, "delete the file");
            if (parent.Entries.TryGetValue(name, out var node))
            {
                if (node is DirNode)
                {
                    throw new BuildStateException(StoreErrorKind.PermissionDenied, "cannot delete the file: it is a directory", path);
                }

                parent.Entries.Remove(name);
                AddMeta(new MetaOp([(parent, name, null)]));
            }
        }
    }

    public void DeleteDirectory(string path)
    {
        lock (_gate)
        {
            Boundary();
            if (Find(path) is not DirNode)
            {
                return;
            }

            var (parent, name) = ParentOf(path, "delete the directory");
            parent.Entries.Remove(name);
            AddMeta(new MetaOp([(parent, name, null)]));
        }
    }

    public void MoveDirectory(string source, string destination)
    {
        lock (_gate)
        {
            Boundary();
            var (fromDir, fromName) = ParentOf(source, "move the directory");
            var (toDir, toName) = ParentOf(destination, "move the directory");
            if (!fromDir.Entries.TryGetValue(fromName, out var node) || node is not DirNode)
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot move the directory: the source does not exist", destination);
            }

            if (toDir.Entries.ContainsKey(toName))
            {
                throw new BuildStateException(StoreErrorKind.General, "cannot move the directory: the destination exists", destination);
            }

            fromDir.Entries.Remove(fromName);
            toDir.Entries[toName] = node;
            AddMeta(new MetaOp([(fromDir, fromName, null), (toDir, toName, node)]));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void AddMeta(MetaOp op) => _pendingMeta.Add(op);

    private void JournalCommit()
    {
        if (!JournalCommitsOnFsync)
        {
            return;
        }

        foreach (var op in _pendingMeta)
        {
            foreach (var (d, name, node) in op.Effects)
            {
                if (node is null)
                {
                    d.Durable.Remove(name);
                }
                else
                {
                    d.Durable[name] = node;
                }
            }
        }

        _pendingMeta.Clear();
    }

    private long Tick() => ++_clock;

    private void CheckAlive()
    {
        if (_crashed)
        {
            throw new SimulatedCrashException(_boundaries);
        }
    }

    /// <summary>One mutating operation boundary: the crash point, when it is this one.</summary>
    private void Boundary()
    {
        CheckAlive();
        if (CrashAtOperation == _boundaries)
        {
            _crashed = true;
            throw new SimulatedCrashException(_boundaries);
        }

        _boundaries++;
    }

    private FileNode OpenForWrite(DirNode parent, string name, string path)
    {
        if (parent.Entries.TryGetValue(name, out var node))
        {
            return node as FileNode ?? throw new BuildStateException(StoreErrorKind.PermissionDenied, "cannot write the file: it is a directory", path);
        }

        var file = new FileNode();
        parent.Entries[name] = file;
        AddMeta(new MetaOp([(parent, name, file)]));
        return file;
    }

    private FileNode RequireFile(string path, string action) =>
        Find(path) as FileNode ?? throw new BuildStateException(StoreErrorKind.General, $"cannot {action}: Could not find file '{path}'", path);

    private (DirNode Parent, string Name) ParentOf(string path, string action)
    {
        var parts = Split(path);
        if (parts.Count == 0)
        {
            throw new BuildStateException(StoreErrorKind.General, $"cannot {action}: the path is a root", path);
        }

        var dir = _root;
        foreach (var part in parts.Take(parts.Count - 1))
        {
            if (!dir.Entries.TryGetValue(part, out var node) || node is not DirNode sub)
            {
                throw new BuildStateException(StoreErrorKind.General, $"cannot {action}: Could not find a part of the path '{path}'", path);
            }

            dir = sub;
        }

        return (dir, parts[^1]);
    }

    private Node? Find(string path)
    {
        Node node = _root;
        foreach (var part in Split(path))
        {
            if (node is not DirNode dir || !dir.Entries.TryGetValue(part, out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static List<string> Split(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var parts = new List<string>();
        if (root.Length > 0 && root != "/" && root != "\\")
        {
            parts.Add(root.TrimEnd('\\', '/').ToUpperInvariant());
        }

        parts.AddRange(full[root.Length..].Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries));
        return parts;
    }

    private abstract class Node;

    private sealed class DirNode : Node
    {
        public Dictionary<string, Node> Entries { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node> Durable { get; } = new(StringComparer.Ordinal);
    }

    private sealed class FileNode : Node
    {
        public byte[] Durable { get; set; } = [];

        public byte[] Current { get; set; } = [];

        public List<DataOp> Pending { get; } = [];

        public long Ticks { get; set; }

        /// <summary>The inode number: kept by renames and across a crash, new for every file created (never reused).</summary>
        public long Id { get; init; } = Interlocked.Increment(ref s_nextId);

        private static long s_nextId;

        public void MakeDurable()
        {
            Durable = Current.ToArray();
            Pending.Clear();
        }
    }

    /// <summary>A pending write (<see cref="Data"/> at <see cref="Offset"/>) or, with null data, a truncation to <see cref="Offset"/> bytes.</summary>
    private sealed record DataOp(long Offset, byte[]? Data);

    /// <summary>One atomic directory operation: its effects on directory entries (null = remove).</summary>
    private sealed record MetaOp(List<(DirNode Dir, string Name, Node? Node)> Effects);
}
