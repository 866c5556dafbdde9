using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A checkpoint holds the run as it was: "built" (a request that ends the run) after the run ended,
/// "before-test" before its transition; and a restore never invents an end for a run it stops.
/// </summary>
public class CheckpointRunEndTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    private DateTimeOffset _now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A store whose clock moves only when the test moves it.</summary>
    private BuildStore Store(StoreFixture f) => f.Reopen(o => o.Clock = () => _now);

    /// <summary>One build as the SDK records it: a run started into Build, 42 s later the outputs, "built" and the run's end in one commit.</summary>
    private BuildRecord Build(BuildStore store, string runId, string dll)
    {
        store.StartRun(Id, new StartRunRequest { RunId = runId, ThenTransitionTo = "Setup", AndThen = ["Build"] });
        _now = _now.AddSeconds(42);
        var record = store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], CheckpointName = "built", Transitions = ["Cleanup", "Complete"] });
        _now = _now.AddMinutes(1);
        return record;
    }

    [Fact]
    public void The_built_checkpoint_holds_the_run_as_it_ended()
    {
        using var f = new StoreFixture();
        var store = Store(f);
        var record = Build(store, "r1", f.WriteFile("src/App/bin/App.dll", "v1"));

        var reference = Assert.Single(record.Checkpoints);
        Assert.Equal("Complete", reference.Phase);
        var snapshot = store.GetCheckpoints(Id).Single().State;
        Assert.Equal("Complete", snapshot.Phase);
        Assert.Equal(RunStatus.Succeeded, snapshot.Status);
        Assert.Equal(record.Run!.EndedAt, snapshot.Run!.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(42), snapshot.Run.EndedAt - snapshot.Run.StartedAt);
    }

    [Fact]
    public void The_before_test_checkpoint_is_taken_before_its_transition()
    {
        using var f = new StoreFixture();
        var store = Store(f);
        store.StartRun(Id, new StartRunRequest { RunId = "r1", ThenTransitionTo = "Setup", AndThen = ["Build"] });
        var record = store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(f.WriteFile("src/App/bin/App.dll", "v1"))], CheckpointName = "before-test", Transitions = ["Test"] });

        Assert.Equal("Test", record.Phase);
        Assert.Equal("Build", Assert.Single(record.Checkpoints).Phase);
        var snapshot = store.GetCheckpoints(Id).Single().State;
        Assert.Equal(("Build", RunStatus.Running), (snapshot.Phase, snapshot.Status));
    }

    [Fact]
    public void Restoring_an_earlier_runs_built_checkpoint_leaves_that_run_as_it_ended()
    {
        using var f = new StoreFixture();
        var store = Store(f);
        var dll = f.WriteFile("src/App/bin/App.dll", "v1");
        var runA = Build(store, "A", dll);
        File.WriteAllText(dll, "v2, another build");
        Build(store, "B", dll);
        _now = _now.AddMinutes(3);

        store.RestoreCheckpoint(Id, runA.Checkpoints.Single().Id);

        var restored = store.Get(Id);
        Assert.Equal("A", restored.RunId);
        Assert.Equal(("Complete", RunStatus.Succeeded), (restored.Phase, restored.Status));
        Assert.Equal(runA.Run!.EndedAt, restored.Run!.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(42), restored.Run.EndedAt - restored.Run.StartedAt);
        Assert.Null(restored.Run.Reason);
    }

    [Fact]
    public void A_restored_mid_run_snapshot_ends_interrupted_when_its_checkpoint_was_taken()
    {
        using var f = new StoreFixture();
        var store = Store(f);
        store.StartRun(Id, new StartRunRequest { RunId = "r1", ThenTransitionTo = "Setup" });
        _now = _now.AddSeconds(10);
        var checkpoint = store.CreateCheckpoint(Id, "mid");
        _now = _now.AddSeconds(20);
        store.Transition(Id, "Build");
        store.EndRun(Id, RunOutcome.Failed);
        _now = _now.AddHours(2);

        store.RestoreCheckpoint(Id, "mid");

        var run = store.Get(Id).Run!;
        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Equal(checkpoint.CreatedAt, run.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(10), run.EndedAt - run.StartedAt);
        Assert.Equal($"restored from checkpoint {checkpoint.Id} taken at 2026-03-01 09:00:10Z, while the run was in Setup", run.Reason);
    }
}
