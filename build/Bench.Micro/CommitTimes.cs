using System.Diagnostics;
using System.Globalization;
using BuildState.IO;
using BuildState.Lifecycle;
using BuildState.Store;

namespace Bench.Micro;

/// <summary>
/// `--commits [seconds]` (default 20): StoreBenchmarks.FullTransition timed one call at a time.
/// BenchmarkDotNet's figure for that row is made of 16-call iteration means, and its floor row is
/// measured in another process minutes apart, so a few slow commits, or a slow minute of the disk,
/// move it. Here every commit is timed (a fresh run every 16, as there) and told apart by what it
/// did besides its record: the history log grew (zeros written ahead, an fsync of a new length),
/// the index journal was folded into index.json, the snapshot was rewritten. The floor
/// (StoreBenchmarks.FloorOnce) is timed in blocks of 16 alternated with the store's, so both see
/// the same disk at the same time. `--series FILE` also writes each block's store and floor means
/// (and whether it grew the log or folded the index journal), one block a line, to see slow spells.
/// </summary>
internal static class CommitTimes
{
    private const int PerRun = 16;

    public static int Run(string[] args)
    {
        var seconds = args.SkipWhile(a => a != "--commits").Skip(1).Select(a => double.TryParse(a, CultureInfo.InvariantCulture, out var s) ? s : 0).FirstOrDefault();
        var dir = Path.Combine(Path.GetTempPath(), "bst-commits-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var series = args.SkipWhile(a => a != "--series").Skip(1).FirstOrDefault();
            Measure(dir, TimeSpan.FromSeconds(seconds > 0 ? seconds : 20), series);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return 0;
    }

    private sealed record Commit(double Us, double RecordUs, long GrewBy, bool Folded, bool Snapshot, bool AfterGrowth, bool AfterFold)
    {
        public bool Plain => GrewBy == 0 && !Folded && !Snapshot && !AfterGrowth && !AfterFold;
    }

    private static void Measure(string dir, TimeSpan duration, string? series)
    {
        var fs = new ObservedFileSystem();
        var loop = new TableDefinition("Loop", "Ping", ["Done"], null, [("Ping", ["Pong"]), ("Pong", ["Ping", "Done"]), ("Done", [])]);
        var options = new StoreOptions { Durability = Durability.Full, FileSystem = fs };
        options.Lifecycles.Register(loop);
        var store = BuildStore.Open(Path.Combine(dir, "loop", ".buildstate"), options);

        // The floor's file: the state file of one project's recording, as StoreBenchmarks.Setup takes it.
        var sized = BuildStore.Open(Path.Combine(dir, "full", ".buildstate"), new StoreOptions { Durability = Durability.Full });
        sized.StartRun("app", new StartRunRequest { RunId = "bench", ThenTransitionTo = "Setup" });
        sized.Advance("app", new AdvanceRequest { Dependencies = ["lib"], Transitions = ["Build"] });
        sized.Advance("app", new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
        var stateSized = File.ReadAllBytes(sized.Layout.StateFile(BuildKey.For("app")));
        var floorDir = Path.Combine(dir, "floor");
        Directory.CreateDirectory(floorDir);

        var commits = new List<Commit>();
        var floor = new List<double>();
        var blocks = new List<(double StoreMean, double FloorMean, bool Grew, bool Folded)>();
        var warmUp = 4;
        var previous = (Grew: false, Folded: false);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration || warmUp > 0)
        {
            store.StartRun("app", new StartRunRequest { RunId = "bench", Lifecycle = "Loop", ThenTransitionTo = "Pong" });
            var phase = "Pong";
            var block = new List<Commit>();
            for (var i = 0; i < PerRun; i++)
            {
                phase = phase == "Ping" ? "Pong" : "Ping";
                fs.Reset();
                var started = Stopwatch.GetTimestamp();
                store.Transition("app", phase);
                var us = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                block.Add(new Commit(us, fs.RecordUs, fs.GrewBy, fs.Folds > 0, fs.Snapshots > 0, previous.Grew, previous.Folded));
                previous = (fs.GrewBy > 0, fs.Folds > 0);
            }

            fs.Reset();
            store.EndRun("app", RunOutcome.Succeeded);
            var floorBlock = new List<double>();
            for (var i = 0; i < PerRun; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var target = Path.Combine(floorDir, "state.json");
                var temp = target + ".tmp";
                PhysicalFileSystem.Instance.WriteFile(temp, stateSized, sync: true);
                File.Move(temp, target, overwrite: true);
                PhysicalFileSystem.Instance.SyncDirectory(floorDir);
                floorBlock.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }

            if (warmUp > 0)
            {
                warmUp--;
                continue;
            }

            commits.AddRange(block);
            floor.AddRange(floorBlock);
            blocks.Add((block.Average(c => c.Us), floorBlock.Average(), block.Any(c => c.GrewBy > 0), block.Any(c => c.Folded)));
        }

        if (series is not null)
        {
            File.WriteAllLines(series, blocks.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.StoreMean:0} {b.FloorMean:0} {(b.Grew ? 1 : 0)} {(b.Folded ? 1 : 0)}")));
        }

        var floorMedian = Percentile(floor, 0.5);
        var log = new FileInfo(store.Layout.HistoryLog(BuildKey.For("app"))).Length;
        Console.WriteLine($"{blocks.Count} blocks of {PerRun} mid-run Full transitions (a fresh run each), each followed by {PerRun} floor writes; the history log is now {log / 1024} KiB");
        Console.WriteLine("| calls | n | median us | p90 | p99 | mean | median / floor's |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Row("floor: write+fsync+rename+dir fsync", floor);
        Row("transition, all", [.. commits.Select(c => c.Us)]);
        Row("  record in place, nothing else (no snapshot, fold, or growth before)", [.. commits.Where(c => c.Plain).Select(c => c.Us)]);
        Row("  record in place, snapshot rewritten", [.. commits.Where(c => c.Snapshot && c.GrewBy == 0 && !c.Folded).Select(c => c.Us)]);
        Row("  the log grew (zeros written ahead, fsync)", [.. commits.Where(c => c.GrewBy > 0).Select(c => c.Us)]);
        Row("  right after a growth", [.. commits.Where(c => c.AfterGrowth).Select(c => c.Us)]);
        Row("  the index journal was folded", [.. commits.Where(c => c.Folded).Select(c => c.Us)]);
        Row("  right after a fold", [.. commits.Where(c => c.AfterFold).Select(c => c.Us)]);
        Row("record write + sync alone, in place", [.. commits.Where(c => c.GrewBy == 0).Select(c => c.RecordUs)]);
        Row("record write + sync alone, growth", [.. commits.Where(c => c.GrewBy > 0).Select(c => c.RecordUs)]);
        Row("the fold alone, its first 40 (code not yet optimised)", [.. fs.FoldTimes.Take(40)]);
        Row("the fold alone, after those", [.. fs.FoldTimes.Skip(40)]);
        Row("16-call means, floor (BenchmarkDotNet's view)", [.. blocks.Select(b => b.FloorMean)]);
        Row("16-call means, transition (BenchmarkDotNet's view)", [.. blocks.Select(b => b.StoreMean)]);
        Row("  blocks without a growth or a fold", [.. blocks.Where(b => !b.Grew && !b.Folded).Select(b => b.StoreMean)]);
        Row("  blocks with a growth", [.. blocks.Where(b => b.Grew).Select(b => b.StoreMean)]);
        Row("  blocks with a fold", [.. blocks.Where(b => b.Folded).Select(b => b.StoreMean)]);

        var total = commits.Sum(c => c.Us);
        var grown = commits.Where(c => c.GrewBy > 0).ToList();
        var folded = commits.Where(c => c.Folded).ToList();
        Console.WriteLine($"growths: {grown.Count} of {commits.Count} commits, by {(grown.Count > 0 ? grown.Average(c => c.GrewBy) / 1024 : 0):0} KiB on average, {grown.Sum(c => c.Us) / total:P1} of all commit time; folds: {folded.Count}, {folded.Sum(c => c.Us) / total:P1}");
        Console.WriteLine($"per-call mean {commits.Average(c => c.Us):0.0} us, the floor's {floor.Average():0.0} us; rank correlation of a block's store mean with the floor block after it: {Correlation([.. blocks.Select(b => b.StoreMean)], [.. blocks.Select(b => b.FloorMean)]):0.00} (near 1: the disk's slow spells, not the store)");
        // Goal 2 read from this run: the median of every mid-run Full transition (growths and folds
        // included) against the floor's median, the two timed in alternating blocks of the same run.
        var transitionMedian = Percentile([.. commits.Select(c => c.Us)], 0.5);
        var ratio = transitionMedian / floorMedian;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"goals, a Full transition mid-run: median {transitionMedian:0} us, the floor's {floorMedian:0} us, {ratio:0.00}x (goal <= 1.2x: {(ratio <= 1.2 ? "met" : "NOT met")})"));
        Console.WriteLine($"GCs: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, total pause {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms");

        void Row(string name, List<double> values)
        {
            if (values.Count == 0)
            {
                Console.WriteLine($"| {name} | 0 | | | | | |");
                return;
            }

            var median = Percentile(values, 0.5);
            Console.WriteLine($"| {name} | {values.Count} | {median:0} | {Percentile(values, 0.9):0} | {Percentile(values, 0.99):0} | {values.Average():0} | {median / floorMedian:0.00} |");
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var at = p * (sorted.Length - 1);
        var low = (int)Math.Floor(at);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (at - low));
    }

    /// <summary>Spearman's rank correlation of two series of the same length.</summary>
    private static double Correlation(List<double> a, List<double> b)
    {
        static double[] Ranks(List<double> v)
        {
            var ranks = new double[v.Count];
            var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
            for (var r = 0; r < order.Length; r++)
            {
                ranks[order[r]] = r;
            }

            return ranks;
        }

        var (x, y) = (Ranks(a), Ranks(b));
        var (mx, my) = (x.Average(), y.Average());
        var covariance = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return covariance / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    /// <summary>
    /// The real file system, noting for the last call what the store did besides its record: the
    /// record's write and sync (and whether the log grew), snapshot rewrites, folds of the index
    /// journal (and how long each fold took).
    /// </summary>
    private sealed class ObservedFileSystem : IFileSystem
    {
        private static readonly IFileSystem Real = PhysicalFileSystem.Instance;

        public long GrewBy { get; private set; }

        public double RecordUs { get; private set; }

        public int Snapshots { get; private set; }

        public int Folds { get; private set; }

        public List<double> FoldTimes { get; } = [];

        public void Reset() => (GrewBy, RecordUs, Snapshots, Folds) = (0, 0, 0, 0);

        public LogStamp WriteRecord(string path, long offset, ReadOnlySpan<byte> record, LogStamp? before, bool sync)
        {
            var started = Stopwatch.GetTimestamp();
            var stamp = Real.WriteRecord(path, offset, record, before, sync);
            RecordUs += Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (before is { } known && stamp.Length != known.Length)
            {
                GrewBy += stamp.Length - known.Length;
            }

            return stamp;
        }

        public void ReplaceFile(string path, string spare, ReadOnlySpan<byte> data)
        {
            Snapshots++;
            Real.ReplaceFile(path, spare, data);
        }

        public void DrainAppends(string path, Action drain)
        {
            Folds++;
            var started = Stopwatch.GetTimestamp();
            Real.DrainAppends(path, drain);
            FoldTimes.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        public bool FileExists(string path) => Real.FileExists(path);
        public bool DirectoryExists(string path) => Real.DirectoryExists(path);
        public bool IsSymbolicLink(string path) => Real.IsSymbolicLink(path);
        public (long Length, long WriteTicks)? GetFileStamp(string path) => Real.GetFileStamp(path);
        public PathKind GetPathKind(string path) => Real.GetPathKind(path);
        public byte[] ReadAllBytes(string path, long maxBytes) => Real.ReadAllBytes(path, maxBytes);
        public byte[] ReadFrom(string path, long offset, long maxBytes) => Real.ReadFrom(path, offset, maxBytes);
        public void WriteFile(string path, ReadOnlySpan<byte> data, bool sync) => Real.WriteFile(path, data, sync);
        public void AppendFile(string path, ReadOnlySpan<byte> data, bool sync) => Real.AppendFile(path, data, sync);
        public (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync) => Real.AppendAndStamp(path, data, sync);
        public (long Length, long Identity)? GetFileIdentity(string path) => Real.GetFileIdentity(path);
        public bool IsLogUnchanged(string path, LogStamp stamp) => Real.IsLogUnchanged(path, stamp);
        public bool AppendsAreConcurrent => Real.AppendsAreConcurrent;
        public long AppendConcurrent(string path, ReadOnlySpan<byte> data) => Real.AppendConcurrent(path, data);
        public void SyncFile(string path) => Real.SyncFile(path);
        public void TruncateFile(string path, long length) => Real.TruncateFile(path, length);
        public void Rename(string source, string destination) => Real.Rename(source, destination);
        public void SyncDirectory(string path) => Real.SyncDirectory(path);
        public void CreateDirectory(string path) => Real.CreateDirectory(path);
        public void DeleteFile(string path) => Real.DeleteFile(path);
        public void DeleteDirectory(string path) => Real.DeleteDirectory(path);
        public void MoveDirectory(string source, string destination) => Real.MoveDirectory(source, destination);
        public IEnumerable<string> EnumerateFiles(string directory, string pattern) => Real.EnumerateFiles(directory, pattern);
        public IEnumerable<string> EnumerateDirectories(string directory) => Real.EnumerateDirectories(directory);
    }
}
