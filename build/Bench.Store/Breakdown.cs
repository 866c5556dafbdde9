using System.Diagnostics;
using BuildState.IO;
using BuildState.Model;
using BuildState.Store;

/// <summary>
/// `--breakdown`: where the time of a commit and of a checkpoint goes, by file operation. The store
/// runs on a file system layer that times every call it makes (StoreOptions.FileSystem), so the
/// figures split a commit into history appends, state and index writes, renames, fsyncs, stats...
/// CPU work (JSON, locks) is the rest of the wall time.
/// </summary>
internal static class Breakdown
{
    private static readonly string[] Steps = ["Setup", "Build", "Test", "Cleanup", "Complete"];

    public static int Run()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bst-breakdown-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            foreach (var durability in new[] { Durability.Normal, Durability.Full, Durability.None })
            {
                Commits(Path.Combine(dir, durability.ToString()), durability);
            }

            Checkpoints(Path.Combine(dir, "checkpoint-bench"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return 0;
    }

    /// <summary>Runs of the default lifecycle on 10 builds (StartRun + 5 Transitions each), as in Bench.Micro's SQLite comparison.</summary>
    private static void Commits(string repo, Durability durability)
    {
        var fs = new TimedFileSystem();
        var store = BuildStore.Open(Path.Combine(repo, ".buildstate"), new StoreOptions { Durability = durability, FileSystem = fs });
        double lockMs = 0;
        store.Locks.Acquired += (_, waited) => lockMs += waited.TotalMilliseconds;
        void Runs(int from, int count)
        {
            for (var r = from; r < from + count; r++)
            {
                for (var b = 0; b < 10; b++)
                {
                    var id = $"src/P{b}/P{b}.csproj|Release|net10.0";
                    store.StartRun(id, new StartRunRequest { RunId = $"run-{r}" });
                    foreach (var step in Steps)
                    {
                        store.Transition(id, step);
                    }
                }
            }
        }

        Runs(0, 3); // warm-up: JIT, folders, first files
        fs.Reset();
        lockMs = 0;
        var watch = Stopwatch.StartNew();
        const int runs = 20;
        Runs(100, runs);
        var commits = runs * 10 * (1 + Steps.Length);
        Print($"commit, {durability} (runs of the default lifecycle, 10 builds)", watch.Elapsed.TotalMilliseconds, commits, "commit", fs, lockMs);
    }

    /// <summary>Checkpoints of a build with 200 unchanged artifacts (about 12 MB), MaxCheckpoints 10, Normal.</summary>
    private static void Checkpoints(string repo)
    {
        var random = new Random(42);
        var files = new List<string>();
        var bin = Path.Combine(repo, "bin");
        Directory.CreateDirectory(bin);
        for (var i = 0; i < 200; i++)
        {
            var path = Path.Combine(bin, $"F{i:D3}.dll");
            var bytes = new byte[random.Next(8, 120) * 1024];
            random.NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
            files.Add(path);
        }

        var fs = new TimedFileSystem();
        var store = BuildStore.Open(Path.Combine(repo, ".buildstate"), new StoreOptions { Durability = Durability.Normal, FileSystem = fs });
        const string id = "src/App/App.csproj|Release|net10.0";
        store.StartRun(id, new StartRunRequest { RunId = "r", ThenTransitionTo = "Setup" });
        store.Transition(id, "Build");
        store.RecordArtifacts(id, files.Select(f => new ArtifactInput(f)));
        double lockMs = 0;
        store.Locks.Acquired += (_, waited) => lockMs += waited.TotalMilliseconds;
        for (var i = 0; i < 11; i++)
        {
            store.CreateCheckpoint(id);
        }

        fs.Reset();
        lockMs = 0;
        var watch = Stopwatch.StartNew();
        const int count = 30;
        for (var i = 0; i < count; i++)
        {
            store.CreateCheckpoint(id);
        }

        var stateKiB = new FileInfo(store.Layout.StateFile(BuildKey.For(id))).Length / 1024;
        Print($"checkpoint, 200 unchanged artifacts, Normal (state file {stateKiB} KiB)", watch.Elapsed.TotalMilliseconds, count, "checkpoint", fs, lockMs);
    }

    private static void Print(string title, double totalMs, int operations, string unit, TimedFileSystem fs, double lockMs)
    {
        var inFiles = fs.Times.Values.Sum(v => v.Ms);
        Console.WriteLine($"{title}: {totalMs / operations:0.000} ms per {unit} ({operations * 1000 / totalMs:0}/s); file operations {inFiles / operations:0.000} ms, taking locks {lockMs / operations:0.000} ms, the rest (CPU: JSON, checks) {(totalMs - inFiles - lockMs) / operations:0.000} ms");
        Console.WriteLine($"  | file operation | calls per {unit} | ms per {unit} |");
        Console.WriteLine("  |---|---|---|");
        foreach (var (name, (calls, ms)) in fs.Times.OrderByDescending(t => t.Value.Ms).Where(t => t.Value.Ms / operations >= 0.005))
        {
            Console.WriteLine($"  | {name} | {calls / (double)operations:0.00} | {ms / operations:0.000} |");
        }

        Console.WriteLine();
    }

    /// <summary>The real file system, timing each call by operation and by the kind of file it touched.</summary>
    private sealed class TimedFileSystem : IFileSystem
    {
        private static readonly PhysicalFileSystem Real = PhysicalFileSystem.Instance;

        public Dictionary<string, (int Calls, double Ms)> Times { get; } = [];

        public void Reset() => Times.Clear();

        private T Time<T>(string name, Func<T> call)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return call();
            }
            finally
            {
                var (calls, ms) = Times.GetValueOrDefault(name);
                Times[name] = (calls + 1, ms + Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        private void Time(string name, Action call) => Time(name, () =>
        {
            call();
            return 0;
        });

        /// <summary>Which store file a path is (temp files are named after their target).</summary>
        private static string Kind(string path) =>
            path.Contains("index.json", StringComparison.Ordinal) ? "index"
            : path.Contains($"{Path.DirectorySeparatorChar}checkpoints{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "checkpoint"
            : path.Contains($"{Path.DirectorySeparatorChar}backups{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "backup"
            : path.Contains("current_state.json", StringComparison.Ordinal) ? "state"
            : path.Contains($"{Path.DirectorySeparatorChar}history", StringComparison.Ordinal) ? "history"
            : path.Contains("index.journal", StringComparison.Ordinal) ? "index journal"
            : "other";

        public bool FileExists(string path) => Time("stat: file exists", () => Real.FileExists(path));

        public bool DirectoryExists(string path) => Time("stat: folder exists", () => Real.DirectoryExists(path));

        public bool IsSymbolicLink(string path) => Time("stat: symbolic link check", () => Real.IsSymbolicLink(path));

        public (long Length, long WriteTicks)? GetFileStamp(string path) => Time("stat: length and time", () => Real.GetFileStamp(path));

        public PathKind GetPathKind(string path) => Time("stat: what is there (folder, link)", () => Real.GetPathKind(path));

        public byte[] ReadAllBytes(string path, long maxBytes) => Time($"read {Kind(path)}", () => Real.ReadAllBytes(path, maxBytes));

        public byte[] ReadFrom(string path, long offset, long maxBytes) => Time($"read {Kind(path)} from an offset", () => Real.ReadFrom(path, offset, maxBytes));

        public void WriteFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            var bytes = data.ToArray();
            Time($"write {Kind(path)}{(sync ? " + fsync" : "")}", () => Real.WriteFile(path, bytes, sync));
        }

        public void AppendFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            var bytes = data.ToArray();
            Time($"append {Kind(path)}{(sync ? " + fsync" : "")}", () => Real.AppendFile(path, bytes, sync));
        }

        public (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync)
        {
            var bytes = data.ToArray();
            return Time($"append {Kind(path)}{(sync ? " + fsync" : "")}", () => Real.AppendAndStamp(path, bytes, sync));
        }

        // What the store does on Linux: a history record in place (into zeros written ahead) and
        // the snapshot rewritten through a spare swapped in. Without these the interface's defaults
        // (an append, a new file renamed over) would be timed instead.
        public LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync)
        {
            var bytes = record.ToArray();
            return Time($"write {Kind(path)} record{(sync ? " + fdatasync (fsync when the file grows)" : "")}", () => Real.WriteRecord(path, offset, bytes, before, sync));
        }

        // The log's identity and the check that nobody wrote after a remembered record, as on Linux
        // (the defaults would read the write time and the whole rest of the log).
        public (long Length, long Identity)? GetFileIdentity(string path) => Time("stat: length and identity", () => Real.GetFileIdentity(path));

        public bool IsLogUnchanged(string path, LogStamp stamp) => Time("check: the log unchanged (stat, a byte read)", () => Real.IsLogUnchanged(path, stamp));

        public void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data)
        {
            var bytes = data.ToArray();
            Time($"replace {Kind(path)} (spare swapped in)", () => Real.ReplaceFile(path, spare, bytes));
        }

        // The index journal's lock-free appends, as the store makes them on Linux (without these the
        // store would fall back to appends under the index lock, which it does not do here).
        public bool AppendsAreConcurrent => Real.AppendsAreConcurrent;

        public long AppendConcurrent(string path, ReadOnlySpan<byte> data)
        {
            var bytes = data.ToArray();
            return Time($"append {Kind(path)}", () => Real.AppendConcurrent(path, bytes));
        }

        // Not timed itself: the fold inside it is made of timed calls.
        public void DrainAppends(string path, Action drain) => Real.DrainAppends(path, drain);

        public void SyncFile(string path) => Time($"fsync {Kind(path)}", () => Real.SyncFile(path));

        public void TruncateFile(string path, long length) => Time("truncate", () => Real.TruncateFile(path, length));

        public void Rename(string source, string destination) =>
            Time($"rename to {Kind(destination)}{(File.Exists(destination) ? ", replacing" : ", new name")}", () => Real.Rename(source, destination));

        public void SyncDirectory(string path) => Time("fsync folder", () => Real.SyncDirectory(path));

        public void CreateDirectory(string path) => Time("create folder", () => Real.CreateDirectory(path));

        public void DeleteFile(string path) => Time($"delete {Kind(path)}", () => Real.DeleteFile(path));

        public void DeleteDirectory(string path) => Time("delete folder", () => Real.DeleteDirectory(path));

        public void MoveDirectory(string source, string destination) => Time("move folder", () => Real.MoveDirectory(source, destination));

        public IEnumerable<string> EnumerateFiles(string directory, string pattern) => Time("list folder", () => Real.EnumerateFiles(directory, pattern).ToList());

        public IEnumerable<string> EnumerateDirectories(string directory) => Time("list folder", () => Real.EnumerateDirectories(directory).ToList());
    }
}
