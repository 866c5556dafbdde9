using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>RecordStepFailure: a step after the run's end (the SDK's Pack, Publish) that failed.</summary>
public class StepFailureTests
{
    private const string Id = "src/Lib/Lib.csproj|Release|net10.0";

    private static ErrorRecord PackError() => new() { Message = "Pack failed", Target = "GenerateNuspec" };

    [Fact]
    public void A_succeeded_run_becomes_failed_with_the_error_and_keeps_its_phase_and_end()
    {
        using var f = new StoreFixture();
        f.Run(Id, "run-1", "Setup", "Build", "Cleanup", "Complete");
        var ended = f.Store.Get(Id);

        f.Store.RecordStepFailure(Id, PackError(), RunOutcome.Failed, "Pack failed after the build");

        var record = f.Reopen().Get(Id);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal(RunStatus.Failed, record.Run!.Status);
        Assert.Equal("Complete", record.Phase);
        Assert.Equal(ended.Run!.EndedAt, record.Run.EndedAt);
        Assert.Equal("Pack failed after the build", record.Run.Reason);
        var error = Assert.Single(record.Errors);
        Assert.Equal("GenerateNuspec", error.Target);
        Assert.Equal("Complete", error.Phase);
        Assert.Equal(RunStatus.Failed, f.Reopen().List().Single(b => b.Id == Id).Status);
        Assert.Contains(f.Reopen().GetHistory(Id), h => h.Kind == HistoryKinds.Error && h.Message!.Contains("is now Failed", StringComparison.Ordinal));
        var report = new StoreValidator(f.Reopen()).Validate();
        Assert.True(report.IsValid, string.Join("; ", report.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void A_cut_off_step_makes_the_run_interrupted()
    {
        using var f = new StoreFixture();
        f.Run(Id, "run-1", "Setup", "Build", "Cleanup", "Complete");

        f.Store.RecordStepFailure(Id, PackError(), RunOutcome.Interrupted, "Pack was cut off");

        var record = f.Reopen().Get(Id);
        Assert.Equal(RunStatus.Interrupted, record.Status);
        Assert.Equal("Pack was cut off", record.Run!.Reason);
    }

    [Fact]
    public void A_failed_run_keeps_its_status_and_reason_and_gets_the_error()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "run-1", ThenTransitionTo = "Setup", AndThen = ["Build"] });
        f.Store.EndRun(Id, RunOutcome.Failed, "the compile failed");

        f.Store.RecordStepFailure(Id, PackError(), RunOutcome.Failed, "Pack failed");

        var record = f.Reopen().Get(Id);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("the compile failed", record.Run!.Reason);
        Assert.Single(record.Errors);
    }

    [Fact]
    public void An_open_run_gets_the_error_and_then_cannot_end_succeeded()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "run-1", ThenTransitionTo = "Setup", AndThen = ["Build"] });

        f.Store.RecordStepFailure(Id, PackError(), RunOutcome.Failed, "Pack failed");
        Assert.Equal(RunStatus.Running, f.Store.Get(Id).Status);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");

        var record = f.Reopen().Get(Id);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("Pack failed", record.Run!.Reason);
    }

    [Fact]
    public void Another_runs_id_changes_nothing()
    {
        using var f = new StoreFixture();
        f.Run(Id, "run-2", "Setup", "Build", "Cleanup", "Complete");

        f.Store.RecordStepFailure(Id, PackError(), RunOutcome.Failed, "Pack failed", runId: "run-1");

        var record = f.Reopen().Get(Id);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Empty(record.Errors);
    }
}
