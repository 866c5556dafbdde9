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
