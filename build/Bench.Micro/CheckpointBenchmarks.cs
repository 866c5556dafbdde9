using BenchmarkDotNet.Attributes;
using BuildState.Model;
using BuildState.Store;

namespace Bench.Micro;

/// <summary>
/// <see cref="BuildStore.CreateCheckpoint"/> of a build whose state lists 200 real artifact files
/// (recorded through <see cref="BuildStore.RecordArtifacts"/>: assemblies, symbols, docs and deps
/// files of a 10-project output, about 8 MB), unchanged since the last checkpoint, Normal
/// durability (a checkpoint is durable under Normal and Full alike), MaxCheckpoints 10 (so every
/// checkpoint also rotates the oldest one out: the steady state). For comparison, the same with
/// artifact copies (every blob already stored, so no file is copied; rotation collects blobs) and
/// with every file touched before the checkpoint (new time: all 200 hashed again).
/// </summary>
public class CheckpointBenchmarks
{
    public const int Files = 200;
    private const string Plain = "src/Plain/Plain.csproj|Release|net10.0";
    private const string Copies = "src/Copies/Copies.csproj|Release|net10.0";
    private const string Touched = "src/Touched/Touched.csproj|Release|net10.0";

    private string _repo = null!;
    private BuildStore _store = null!;
    private List<string> _touchedFiles = null!;
    private DateTime _touchTime;

    [GlobalSetup]
    public void Setup()
    {
        _repo = Path.Combine(Path.GetTempPath(), "bst-checkpoint-" + Guid.NewGuid().ToString("N")[..8]);
        _store = BuildStore.Open(Path.Combine(_repo, ".buildstate"), new StoreOptions { Durability = Durability.Normal, MaxCheckpoints = 10 });
        var shared = MakeArtifacts(Path.Combine(_repo, "out-a"));
        _touchedFiles = MakeArtifacts(Path.Combine(_repo, "out-b"));
        _touchTime = DateTime.UtcNow;

        foreach (var (id, files) in new[] { (Plain, shared), (Copies, shared), (Touched, _touchedFiles) })
        {
            _store.StartRun(id, new StartRunRequest { RunId = "bench", ThenTransitionTo = "Setup" });
            _store.Transition(id, "Build");
            _store.RecordArtifacts(id, files.Select(f => new ArtifactInput(f, Path.GetExtension(f).TrimStart('.'))));
            if (_store.Get(id).Artifacts.Count != Files)
            {
                throw new InvalidOperationException($"expected {Files} artifacts");
            }
        }

        for (var i = 0; i < 11; i++)
        {
            CheckpointUnchanged(); // fill the checkpoint list: from here on every checkpoint rotates one out
            CheckpointUnchangedWithCopies();
        }

        VerifyUnchangedFilesAreNotHashed();
    }

    /// <summary>
    /// The figure is only about the cached path if the cache works: a checkpoint of the unchanged
    /// files reads none of them (the store hashes on the caller's thread, which counts its reads).
    /// </summary>
    private void VerifyUnchangedFilesAreNotHashed()
    {
        var before = ArtifactHasher.FilesHashedOnThisThread;
        _store.CreateCheckpoint(Plain);
        if (ArtifactHasher.FilesHashedOnThisThread != before)
        {
            throw new InvalidOperationException($"a checkpoint hashed {ArtifactHasher.FilesHashedOnThisThread - before} artifact(s) whose size and times had not changed");
        }
    }

    /// <summary>200 files shaped like a 10-project build output: per project a dll, pdb, xml and deps.json, and 16 dependency dlls.</summary>
    private static List<string> MakeArtifacts(string root)
    {
        var random = new Random(42);
        var files = new List<string>();
        for (var p = 0; p < 10; p++)
        {
            var bin = Path.Combine(root, $"P{p}", "bin", "Release", "net10.0");
            Directory.CreateDirectory(bin);
            var shapes = new List<(string Name, int Size)>
            {
                ($"P{p}.dll", random.Next(32, 256) * 1024),
                ($"P{p}.pdb", random.Next(16, 64) * 1024),
                ($"P{p}.xml", random.Next(4, 32) * 1024),
                ($"P{p}.deps.json", random.Next(1, 8) * 1024),
            };
            for (var d = 0; d < 16; d++)
            {
                shapes.Add(($"Dependency{d}.dll", random.Next(8, 64) * 1024));
            }

            foreach (var (name, size) in shapes)
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                var path = Path.Combine(bin, name);
                File.WriteAllBytes(path, bytes);
                files.Add(path);
            }
        }

        return files;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_repo, recursive: true);

    [Benchmark(Description = "checkpoint, 200 artifacts unchanged (goal <= 20 ms)")]
    public CheckpointRef CheckpointUnchanged() => _store.CreateCheckpoint(Plain);

    [Benchmark(Description = "checkpoint with artifact copies, 200 artifacts unchanged (blobs stored already)")]
    public CheckpointRef CheckpointUnchangedWithCopies() => _store.CreateCheckpoint(Copies, copyArtifacts: true);

    [Benchmark(Description = "checkpoint, all 200 artifacts touched (all hashed again)")]
    public CheckpointRef CheckpointAllTouched()
    {
        _touchTime = _touchTime.AddSeconds(1);
        foreach (var file in _touchedFiles)
        {
            File.SetLastWriteTimeUtc(file, _touchTime);
        }

        return _store.CreateCheckpoint(Touched);
    }
}
