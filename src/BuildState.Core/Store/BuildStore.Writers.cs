using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

/// <summary>
/// Writers: a process that starts runs registers itself first (a small file in
/// <c>locks/writers/</c> naming it) and removes the file once it has closed its runs. A file that
/// outlives its process is the trace a crash or kill leaves, and the only case in which runs can be
/// left Running with a dead owner. So the sweep that marks such runs Interrupted, which must read
/// every build's index entry, runs only when a dead writer's file is found, instead of at every
/// process's first use of the store (a cost that grew with the number of builds).
/// </summary>
public sealed partial class BuildStore
{
    private const string WriterPurpose = "writer";

    /// <summary>A process's registration as a writer; disposing it removes its file.</summary>
    public sealed class WriterRegistration : IDisposable
    {
        private readonly BuildStore _store;
        private int _disposed;

        internal WriterRegistration(BuildStore store, string path, bool firstInStore)
        {
            _store = store;
            Path = path;
            FirstInStore = firstInStore;
        }

        /// <summary>The registration's file.</summary>
        public string Path { get; }

        /// <summary>
        /// True when the store had no writers folder before: it was last written by a version that
        /// did not register writers (or never), so a crash may have left runs without any trace.
        /// </summary>
        public bool FirstInStore { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _store.TryDelete(Path);
            }
        }
    }

    /// <summary>
    /// Registers this process as a writer of runs until the result is disposed. Call it before the
    /// first run start; a process killed before disposing it leaves the file for
    /// <see cref="SweepAfterDeadWriters"/> to find.
    /// </summary>
    public WriterRegistration RegisterWriter()
    {
        EnsureStoreDirectories();
        var folder = Layout.WritersDir;
        var firstInStore = !_fs.DirectoryExists(folder);
        CreateDirectoryDurably(folder);
        GuardNoLinks(folder);
        var path = System.IO.Path.Combine(folder, $"{Environment.ProcessId}-{Random.Shared.NextInt64():x16}.json");
        var owner = new LockOwnerFile { Owner = OwnerInfo.Current, AcquiredAt = Now, Purpose = WriterPurpose };
        WriteAtomic(path, StoreJson.Serialize(owner), sync: false); // whole or absent: a reader never sees half of it
        return new WriterRegistration(this, path, firstInStore);
    }

    /// <summary>
    /// Marks the runs cut off by a crash or kill as Interrupted (<see cref="SweepInterruptedRuns"/>)
    /// when there is a trace of one: a writer's file whose process is gone (or a file that cannot be
    /// read), or a store that had no writers folder before <paramref name="self"/> registered. The
    /// dead writers' files are removed after the sweep. Writers on other hosts are left alone.
    /// Returns the builds marked.
    /// </summary>
    public IReadOnlyList<string> SweepAfterDeadWriters(WriterRegistration? self = null)
    {
        var dead = DeadWriterFiles(self?.Path);
        if (dead.Count == 0 && self is not { FirstInStore: true })
        {
            return [];
        }

        var marked = SweepInterruptedRuns();
        foreach (var file in dead)
        {
            TryDelete(file);
        }

        return marked;
    }

    /// <summary>Writers' files whose process is gone, or that cannot be read.</summary>
    private List<string> DeadWriterFiles(string? own)
    {
        var dead = new List<string>();
        var folder = Layout.WritersDir;
        if (!_fs.DirectoryExists(folder))
        {
            return dead;
        }

        foreach (var path in _fs.EnumerateFiles(folder, "*.json"))
        {
            if (string.Equals(path, own, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var writer = StoreJson.DeserializeLockOwner(_fs.ReadAllBytes(path, StoreLimits.MaxIndexFileBytes), path);
                if (ProcessLiveness.Check(writer.Owner) == Liveness.Dead)
                {
                    dead.Add(path);
                }
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.NotFound)
            {
                // its writer finished meanwhile
            }
            catch (BuildStateException e) when (e.Kind is StoreErrorKind.Corruption or StoreErrorKind.Validation)
            {
                dead.Add(path); // written atomically, so damaged by something else: take it as a trace
            }
        }

        return dead;
    }
}
