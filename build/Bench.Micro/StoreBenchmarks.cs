using BenchmarkDotNet.Attributes;
using BuildState.IO;
using BuildState.Lifecycle;
using BuildState.Store;

namespace Bench.Micro;

/// <summary>
/// A store transition against the disk's durable-write floor, measured in the same run: the floor
/// is write + fsync + rename + directory fsync of a state-sized file in the same folder.
/// </summary>
public class StoreBenchmarks
{
    private string _dir = null!;
    private BuildStore _full = null!;
    private BuildStore _normal = null!;
    private BuildStore _fullLoop = null!;
    private string _loopPhase = "Pong";
    private byte[] _stateSized = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bst-micro-" + Guid.NewGuid().ToString("N")[..8]);
        _full = BuildStore.Open(Path.Combine(_dir, "full", ".buildstate"), new StoreOptions { Durability = Durability.Full });
        _normal = BuildStore.Open(Path.Combine(_dir, "normal", ".buildstate"), new StoreOptions { Durability = Durability.Normal });
        Cycle(_full);
        Cycle(_normal);

        // A run that never ends (Ping <-> Pong): every call is one transition in the middle of a run.
        var loop = new TableDefinition("Loop", "Ping", ["Done"], null, [("Ping", ["Pong"]), ("Pong", ["Ping", "Done"]), ("Done", [])]);
        var options = new StoreOptions { Durability = Durability.Full };
        options.Lifecycles.Register(loop);
        _fullLoop = BuildStore.Open(Path.Combine(_dir, "loop", ".buildstate"), options);

        _stateSized = File.ReadAllBytes(_full.Layout.StateFile(BuildKey.For("app")));
        Directory.CreateDirectory(Path.Combine(_dir, "floor"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>What the SDK records for one project in a build: three commits (run start, Build, Cleanup+Complete).</summary>
    private static void Cycle(BuildStore store)
    {
        store.StartRun("app", new StartRunRequest { RunId = "bench", ThenTransitionTo = "Setup" });
        store.Advance("app", new AdvanceRequest { Dependencies = ["lib"], Transitions = ["Build"] });
        store.Advance("app", new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
    }

    [Benchmark(Description = "floor: write+fsync+rename+dir fsync (x3)")]
    public void Floor()
    {
        for (var i = 0; i < 3; i++)
        {
            var target = Path.Combine(_dir, "floor", "state.json");
            var temp = target + ".tmp";
            PhysicalFileSystem.Instance.WriteFile(temp, _stateSized, sync: true);
            File.Move(temp, target, overwrite: true);
            PhysicalFileSystem.Instance.SyncDirectory(Path.Combine(_dir, "floor"));
        }

        _n++;
    }

    [Benchmark(Description = "floor: write+fsync+rename+dir fsync (x1)")]
    public void FloorOnce()
    {
        var target = Path.Combine(_dir, "floor", "state.json");
        var temp = target + ".tmp";
        PhysicalFileSystem.Instance.WriteFile(temp, _stateSized, sync: true);
        File.Move(temp, target, overwrite: true);
        PhysicalFileSystem.Instance.SyncDirectory(Path.Combine(_dir, "floor"));
    }

    /// <summary>A fresh run for each iteration, so the state stays the size of a real one (a run keeps its transitions).</summary>
    [IterationSetup(Target = nameof(FullTransition))]
    public void StartLoopRun()
    {
        _fullLoop.StartRun("app", new StartRunRequest { RunId = "bench", Lifecycle = "Loop", ThenTransitionTo = "Pong" });
        _loopPhase = "Pong";
    }

    [IterationCleanup(Target = nameof(FullTransition))]
    public void EndLoopRun() => _fullLoop.EndRun("app", RunOutcome.Succeeded);

    [Benchmark(Description = "store: one transition mid-run, Full")]
    [InvocationCount(16, unrollFactor: 1)]
    public void FullTransition()
    {
        _loopPhase = _loopPhase == "Ping" ? "Pong" : "Ping";
        _fullLoop.Transition("app", _loopPhase);
    }

    [Benchmark(Description = "store: one project's recording, Full (3 commits)")]
    public void FullTransitions() => Cycle(_full);

    [Benchmark(Description = "store: one project's recording, Normal (3 commits)")]
    public void NormalTransitions() => Cycle(_normal);
}
