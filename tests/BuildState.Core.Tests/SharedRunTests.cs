using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// Several writers of one invocation recording one run (StartRunRequest.JoinOpenRunOfSameId): the
/// SDK's MSBuild instances of one build, such as the RuntimeIdentifier inner builds of a
/// RID-specific tool package, which build at the same time.
/// </summary>
public class SharedRunTests
{
    private const string Id = "src/Tool/Tool.csproj|Release|net10.0";

    private static StartRunRequest Start(string runId, params string[] dependencies) => new()
    {
        RunId = runId,
        ThenTransitionTo = "Setup",
        AndThen = ["Build"],
        Dependencies = dependencies,
        JoinOpenRunOfSameId = true,
    };

    private static AdvanceRequest End(params string[] artifacts) => new()
    {
        Artifacts = artifacts.Select(a => new ArtifactInput(a, "assembly")).ToList(),
        Transitions = ["Cleanup", "Complete"],
        CheckpointName = "built",
        EndsInstance = true,
    };

    private static IReadOnlyList<HistoryEntry> History(StoreFixture f) => f.Store.ReadHistory(Id).Entries;

    [Fact]
    public void A_second_writer_of_the_same_run_id_joins_the_run_and_the_last_to_end_completes_it_with_both_outputs()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/linux-x64/Tool.dll", "a");
        var b = f.WriteFile("src/Tool/bin/linux-musl-x64/Tool.dll", "b");
        f.Store.StartRun(Id, Start("r1", "src/Lib/Lib.csproj|Release|net10.0"));
        var joined = f.Store.StartRun(Id, Start("r1", "src/Other/Other.csproj|Release|net10.0"));
        Assert.Equal(2, joined.Run!.Instances);
        Assert.Equal("Build", joined.Phase);
        Assert.Equal(["src/Lib/Lib.csproj|Release|net10.0", "src/Other/Other.csproj|Release|net10.0"], joined.Dependencies);

        var afterFirst = f.Store.Advance(Id, End(a));
        Assert.Equal(RunStatus.Running, afterFirst.Status);
        Assert.Equal("Build", afterFirst.Phase);
        Assert.Empty(afterFirst.Checkpoints); // the last writer's, once every output is in

        var done = f.Reopen().Advance(Id, End(b));
        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Equal("Complete", done.Phase);
        Assert.Equal((2, 2), (done.Run!.Instances, done.Run.InstancesEnded));
        Assert.Equal(2, done.Artifacts.Count);
        Assert.Single(done.Checkpoints);
        Assert.Equal(2, f.Store.GetCheckpoints(Id).Single().Artifacts.Count);

        var kinds = History(f).Select(e => e.Kind).ToList();
        Assert.DoesNotContain(HistoryKinds.RunInterrupted, kinds);
        Assert.Equal(1, kinds.Count(k => k == HistoryKinds.RunStarted));
        Assert.All(History(f), e => Assert.Equal("r1", e.RunId));
        Assert.Contains(History(f), e => e.Message?.Contains("joined by another writer of this invocation (2 writers now)", StringComparison.Ordinal) == true);
        Assert.Contains(History(f), e => e.Message?.Contains("1 of 2 writers still open", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_part_that_fails_is_an_error_of_the_run_which_stays_open_for_the_others_and_ends_failed()
    {
        using var f = new StoreFixture();
        var b = f.WriteFile("src/Tool/bin/b/Tool.dll", "b");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));

        var failedPart = f.Store.EndRun(Id, RunOutcome.Failed, "the build ended in phase Build before the run completed (a target failed)", endsInstance: true);
        Assert.Equal(("Build", RunStatus.Running), (failedPart.Phase, failedPart.Status)); // still open: readers, the sweep and joiners see it so
        Assert.Null(failedPart.Run!.EndedAt);
        Assert.Contains("a target failed", Assert.Single(failedPart.Errors).Message, StringComparison.Ordinal);

        var done = f.Store.Advance(Id, End(b));
        Assert.Equal(("Complete", RunStatus.Failed), (done.Phase, done.Status));
        Assert.NotNull(done.Run!.EndedAt);
        Assert.Single(done.Artifacts);
        Assert.Empty(done.Checkpoints); // "built" would name a partial set of outputs as a good build
        Assert.Contains("a target failed", done.Run.Reason, StringComparison.Ordinal); // where a failed run's reason is read
        var last = History(f)[^1].Message!;
        Assert.Contains("no checkpoint built: a part of this shared run failed", last, StringComparison.Ordinal);
        Assert.DoesNotContain("not taken again", last, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_part_that_built_its_outputs_records_them_with_its_failure()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/a/Tool.dll", "a");
        var b = f.WriteFile("src/Tool/bin/b/Tool.dll", "b");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));

        var failedPart = f.Store.EndRun(Id, RunOutcome.Failed, "a target after Build failed", endsInstance: true, [new ArtifactInput(a, "assembly")]);
        Assert.Equal(RunStatus.Running, failedPart.Status);
        Assert.Equal("src/Tool/bin/a/Tool.dll", Assert.Single(failedPart.Artifacts).Path);
        Assert.Contains("one writer's part ended with 1 artifact(s): a target after Build failed", History(f)[^1].Message, StringComparison.Ordinal);

        var done = f.Store.Advance(Id, End(b));
        Assert.Equal((RunStatus.Failed, 2), (done.Status, done.Artifacts.Count));
    }

    [Fact]
    public void Three_writers_a_third_joining_after_a_failed_part_and_a_part_cut_off()
    {
        using var f = new StoreFixture();
        var c = f.WriteFile("src/Tool/bin/c/Tool.dll", "c");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));
        f.Store.EndRun(Id, RunOutcome.Failed, "part A failed", endsInstance: true);
        var third = f.Store.StartRun(Id, Start("r1"));
        Assert.Equal((3, 1), (third.Run!.Instances, third.Run.InstancesEnded));
        Assert.Equal(1, History(f).Count(e => e.Kind == HistoryKinds.RunStarted));

        f.Store.EndRun(Id, RunOutcome.Interrupted, "part B was cut off", endsInstance: true);
        Assert.Equal(RunStatus.Running, f.Store.Get(Id).Status);
        Assert.Equal(["part A failed", "part B was cut off"], f.Store.Get(Id).Errors.Select(e => e.Message));

        // The last part completes, but the run was cut off (part B): it ends so, not Complete.
        var done = f.Store.Advance(Id, End(c));
        Assert.Equal(("Build", RunStatus.Interrupted, "part B was cut off"), (done.Phase, done.Status, done.Run!.Reason));
        Assert.Equal((3, 3), (done.Run.Instances, done.Run.InstancesEnded));
        Assert.Contains(done.Artifacts, a => a.Path == "src/Tool/bin/c/Tool.dll");
        Assert.Empty(done.Checkpoints);
        Assert.Equal(HistoryKinds.RunInterrupted, History(f)[^1].Kind);
    }

    [Fact]
    public void The_last_part_cut_off_ends_the_shared_run_interrupted()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));
        f.Store.EndRun(Id, RunOutcome.Interrupted, "Ctrl+C", endsInstance: true);
        var done = f.Store.EndRun(Id, RunOutcome.Interrupted, "Ctrl+C", endsInstance: true);
        Assert.Equal(RunStatus.Interrupted, done.Status);
        Assert.NotNull(done.Run!.EndedAt);
    }

    [Fact]
    public void A_part_cut_off_explains_a_later_parts_failure_so_the_run_ends_interrupted()
    {
        // Ctrl+C sent to the entry process alone: its node sees the cancellation, a worker node only
        // sees its target fail. Whichever ends last, the run was cut off.
        using var f = new StoreFixture();
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));
        var open = f.Store.EndRun(Id, RunOutcome.Interrupted, "the build was cancelled", endsInstance: true);
        Assert.Equal((RunStatus.Running, "the build was cancelled"), (open.Status, open.Run!.Reason));

        var done = f.Store.EndRun(Id, RunOutcome.Failed, "the build ended in phase Build before the run completed (a target failed)", endsInstance: true);
        Assert.Equal((RunStatus.Interrupted, "the build was cancelled"), (done.Status, done.Run!.Reason));
        Assert.NotNull(done.Run.EndedAt);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 3)]
    [InlineData(2, -1)]
    [InlineData(2, null)]
    [InlineData(null, 1)]
    public void The_validator_names_writer_counts_the_store_never_writes(int? instances, int? ended)
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, Start("r1"));
        f.Store.Update(Id, r => (r.Run!.Instances, r.Run.InstancesEnded) = (instances, ended));
        var report = new StoreValidator(f.Reopen()).Validate(new ValidationOptions());
        Assert.Contains(report.Problems, p => p.BuildId == Id && p.Message.Contains("which the store never writes", StringComparison.Ordinal));
    }

    [Fact]
    public void The_validator_accepts_a_shared_run_in_progress_and_ended()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/a/Tool.dll", "a");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));
        f.Store.Advance(Id, End(a));
        Assert.True(new StoreValidator(f.Store).Validate(new ValidationOptions()).IsValid);
        f.Store.Advance(Id, End(a));
        var report = new StoreValidator(f.Store).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void The_last_part_ending_in_failure_ends_the_run_failed()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/a/Tool.dll", "a");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.StartRun(Id, Start("r1"));
        f.Store.Advance(Id, End(a));

        var done = f.Store.EndRun(Id, RunOutcome.Failed, "compile error", endsInstance: true);
        Assert.Equal(("Error", RunStatus.Failed), (done.Phase, done.Status));
        Assert.NotNull(done.Run!.EndedAt);
        Assert.Equal((2, 2), (done.Run.Instances, done.Run.InstancesEnded));
        Assert.Single(done.Artifacts); // the part that succeeded recorded its outputs
    }

    [Fact]
    public void A_writer_joining_a_run_another_left_in_Setup_takes_it_on_to_Build()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r1", ThenTransitionTo = "Setup", JoinOpenRunOfSameId = true });
        var joined = f.Store.StartRun(Id, Start("r1"));
        Assert.Equal("Build", joined.Phase);
        Assert.Equal([("Init", "Setup"), ("Setup", "Build")], joined.Transitions.Select(t => (t.From, t.To)));
    }

    [Fact]
    public void Another_run_id_supersedes_the_open_run_as_before()
    {
        using var f = new StoreFixture();
        f.Store.StartRun(Id, Start("r1"));
        var second = f.Store.StartRun(Id, Start("r2"));
        Assert.Equal("r2", second.RunId);
        Assert.Null(second.Run!.Instances);
        var interrupted = History(f).Single(e => e.Kind == HistoryKinds.RunInterrupted);
        Assert.Equal("superseded by a new run before it ended", interrupted.Message);
    }

    [Fact]
    public void A_run_whose_owner_is_gone_is_not_joined()
    {
        using var f = new StoreFixture();
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        f.Store.StartRun(Id, Start("r1"));
        f.Store.Update(Id, r => r.Run!.Owner = dead);

        var fresh = f.Store.StartRun(Id, Start("r1"));
        Assert.Null(fresh.Run!.Instances);
        Assert.Contains(History(f), e => e.Kind == HistoryKinds.RunInterrupted && e.Message!.Contains("is gone", StringComparison.Ordinal));
    }

    [Fact]
    public void A_later_run_of_the_same_invocation_keeps_the_earlier_runs_artifacts_when_asked()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/Tool.dll", "a");
        var b = f.WriteFile("src/Tool/bin/linux-x64/Tool.dll", "b");
        f.Store.StartRun(Id, Start("r1"));
        f.Store.Advance(Id, End(a));

        var second = f.Store.StartRun(Id, Keep(Start("r1")));
        Assert.Equal(["src/Tool/bin/Tool.dll"], second.Artifacts.Select(x => x.Path));
        Assert.Equal("keeps the 1 artifact(s) of this invocation's earlier run of the build", History(f).Last(e => e.Kind == HistoryKinds.RunStarted).Message);
        var done = f.Store.Advance(Id, End(b));
        Assert.Equal(["src/Tool/bin/Tool.dll", "src/Tool/bin/linux-x64/Tool.dll"], done.Artifacts.Select(x => x.Path).Order(StringComparer.Ordinal));
        Assert.Equal(2, f.Store.GetCheckpoints(Id).Last().Artifacts.Count); // the invocation's "built" holds both

        File.Delete(a); // gone before the invocation's next run: not claimed by it
        Assert.Equal(["src/Tool/bin/linux-x64/Tool.dll"], f.Store.StartRun(Id, Keep(Start("r1"))).Artifacts.Select(x => x.Path));
        f.Store.EndRun(Id, RunOutcome.Succeeded);

        Assert.Empty(f.Store.StartRun(Id, Keep(Start("r2"))).Artifacts); // another invocation starts with none
        f.Store.EndRun(Id, RunOutcome.Succeeded);
        Assert.Empty(f.Store.StartRun(Id, Start("r2")).Artifacts); // and so does a run that does not ask

        static StartRunRequest Keep(StartRunRequest request)
        {
            request.KeepArtifactsOfSameId = true;
            return request;
        }
    }

    [Fact]
    public void For_a_run_of_one_ending_an_instance_is_ending_the_run()
    {
        using var f = new StoreFixture();
        var a = f.WriteFile("src/Tool/bin/a/Tool.dll", "a");
        f.Store.StartRun(Id, Start("r1"));
        var done = f.Store.Advance(Id, End(a));
        Assert.Equal(("Complete", RunStatus.Succeeded), (done.Phase, done.Status));
        Assert.Null(done.Run!.Instances);
        Assert.Null(done.Run.InstancesEnded);

        f.Store.StartRun(Id, Start("r2"));
        var failed = f.Store.EndRun(Id, RunOutcome.Failed, "x", endsInstance: true);
        Assert.Equal(("Error", RunStatus.Failed), (failed.Phase, failed.Status));
        Assert.NotNull(failed.Run!.EndedAt);
    }
}
