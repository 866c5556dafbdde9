using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

public class RunLifecycleTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    [Fact]
    public void A_full_run_is_recorded_with_every_transition_and_ends_succeeded()
    {
        using var f = new StoreFixture();
        f.Run(Id, "run-1", StoreFixture.FullRun);

        var record = f.Reopen().Get(Id);
        Assert.Equal("Complete", record.Phase);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Equal("run-1", record.RunId);
        Assert.Equal(["Init", "Setup", "Build", "Test", "Cleanup"], record.Transitions.Select(t => t.From));
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], record.Transitions.Select(t => t.To));
        Assert.NotNull(record.Run!.EndedAt);
        Assert.Equal(StoreSchema.Current, record.SchemaVersion);
        Assert.Equal(Environment.ProcessId, record.Resources.ProcessId);
        Assert.True(record.Resources.PhaseDurationsMs.ContainsKey("Build"));
        Assert.Equal(6, record.Sequence); // start + 5 transitions
    }

    [Fact]
    public void A_run_merges_its_metadata_into_the_builds_unless_it_replaces_it()
    {
        using var f = new StoreFixture();
        var store = f.Store;
        Dictionary<string, string> Start(string run, Dictionary<string, string> metadata, bool replace)
        {
            store.StartRun(Id, new StartRunRequest { RunId = run, Metadata = metadata, ReplaceMetadata = replace });
            store.EndRun(Id, RunOutcome.Succeeded);
            return f.Reopen().Get(Id).Metadata;
        }

        Start("run-1", new() { ["env.BUILD_NUMBER"] = "41", ["kept"] = "a" }, replace: false);
        Assert.Equal(new Dictionary<string, string> { ["env.BUILD_NUMBER"] = "41", ["kept"] = "a", ["new"] = "b" }, Start("run-2", new() { ["new"] = "b" }, replace: false));
        Assert.Equal(new Dictionary<string, string> { ["msbuild.configuration"] = "Debug" }, Start("run-3", new() { ["msbuild.configuration"] = "Debug" }, replace: true));
    }

    [Fact]
    public void A_run_started_late_keeps_its_real_start_and_goes_on_in_the_same_commit()
    {
        using var f = new StoreFixture();
        var began = DateTimeOffset.UtcNow.AddSeconds(-5);
        var record = f.Store.StartRun(Id, new StartRunRequest
        {
            RunId = "r",
            StartedAt = began,
            ThenTransitionTo = "Setup",
            AndThen = ["Build"],
            Dependencies = ["src/Lib/Lib.csproj|Debug|net10.0"],
        });

        Assert.Equal(1, record.Sequence); // one commit
        Assert.Equal("Build", record.Phase);
        Assert.Equal(began, record.Run!.StartedAt);
        Assert.Equal(["Setup", "Build"], record.Transitions.Select(t => t.To));
        Assert.Equal(began, record.Transitions[0].At);
        Assert.True(record.Transitions[1].At >= began.AddSeconds(5));
        Assert.InRange(record.Transitions[1].DurationMs, 5000, 60_000);
        Assert.Equal(record.Transitions[1].DurationMs, record.Resources.PhaseDurationsMs["Setup"]);
        Assert.Equal(["src/Lib/Lib.csproj|Debug|net10.0"], f.Reopen().Get(Id).Dependencies);
    }

    [Fact]
    public void A_run_written_after_the_fact_enters_its_later_phases_when_they_began_never_before_the_start_or_in_the_future()
    {
        using var f = new StoreFixture();
        var began = DateTimeOffset.UtcNow.AddSeconds(-10);
        var tested = began.AddSeconds(4);
        var record = f.Store.StartRun(Id, new StartRunRequest { RunId = "r", StartedAt = began, ThenTransitionTo = "Setup", AndThen = ["Build", "Test"], AndThenAt = tested });
        Assert.Equal([began, tested, tested], record.Transitions.Select(t => t.At));
        Assert.Equal(4000, record.Resources.PhaseDurationsMs["Setup"], 1);
        Assert.Equal(0, record.Resources.PhaseDurationsMs["Build"]);

        // Before the run's start: at the start. In the future: at the commit.
        record = f.Store.StartRun(Id, new StartRunRequest { RunId = "r2", StartedAt = began, ThenTransitionTo = "Setup", AndThen = ["Build"], AndThenAt = began.AddSeconds(-30) });
        Assert.Equal(began, record.Transitions[^1].At);
        record = f.Store.StartRun(Id, new StartRunRequest { RunId = "r3", StartedAt = began, ThenTransitionTo = "Setup", AndThen = ["Build"], AndThenAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.InRange(record.Transitions[^1].At, began.AddSeconds(10), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void A_start_time_in_the_future_is_taken_as_now_and_an_illegal_next_phase_writes_nothing()
    {
        using var f = new StoreFixture();
        var record = f.Store.StartRun(Id, new StartRunRequest { RunId = "r", StartedAt = DateTimeOffset.UtcNow.AddHours(1), ThenTransitionTo = "Setup" });
        Assert.True(record.Run!.StartedAt <= DateTimeOffset.UtcNow);

        const string other = "src/Other/Other.csproj|Debug|net10.0";
        var e = Assert.Throws<BuildStateException>(() => f.Store.StartRun(other, new StartRunRequest { RunId = "r2", ThenTransitionTo = "Setup", AndThen = ["Complete"] }));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
        Assert.Contains("Setup -> Complete", e.Message);
        Assert.Null(f.Store.TryGet(other));
    }

    [Fact]
    public void Build_may_go_straight_to_cleanup_when_no_tests_run()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build", "Cleanup", "Complete");
        Assert.Equal(RunStatus.Succeeded, f.Store.Get(Id).Status);
    }

    [Fact]
    public void An_illegal_transition_is_a_validation_error_naming_table_phases_and_legal_targets()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var e = Assert.Throws<BuildStateException>(() => f.Store.Transition(Id, "Complete"));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
        Assert.Equal(ExitCodes.ValidationFailed, e.ExitCode);
        Assert.Contains("'Default'", e.Message);
        Assert.Contains("Setup -> Complete", e.Message);
        Assert.Contains("Build, Error", e.Message);
        Assert.Equal("Setup", f.Store.Get(Id).Phase); // nothing was written
    }

    [Fact]
    public void Entering_error_fails_the_run_and_cleanup_after_error_keeps_it_failed()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build", "Error");
        Assert.Equal(RunStatus.Failed, f.Store.Get(Id).Status);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        Assert.Equal(RunStatus.Failed, f.Store.Get(Id).Status);
    }

    [Fact]
    public void A_retry_from_the_error_phase_to_the_initial_phase_can_still_end_the_run_succeeded()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        f.Store.RecordError(Id, new ErrorRecord { Code = "CS0103", Message = "first attempt" });
        f.Store.Transition(Id, "Error");
        f.Store.Transition(Id, "Init"); // the table's way back: a retry
        Assert.Equal(RunStatus.Running, f.Store.Get(Id).Status);
        foreach (var phase in StoreFixture.FullRun)
        {
            f.Store.Transition(Id, phase);
        }

        var record = f.Store.Get(Id);
        Assert.Equal(RunStatus.Succeeded, record.Status); // a terminal phase ends a run successfully
        Assert.Single(record.Errors); // the first attempt's error stays on record
    }

    [Fact]
    public void An_error_recorded_after_a_retry_still_fails_the_run()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Error", "Init", "Setup", "Build");
        f.Store.RecordError(Id, new ErrorRecord { Code = "CS0103", Message = "second attempt" });
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        Assert.Equal(RunStatus.Failed, f.Store.Get(Id).Status);
    }

    [Fact]
    public void Ending_a_failed_run_moves_it_to_error_with_the_errors_recorded()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        f.Store.RecordError(Id, new ErrorRecord { Code = "CS0103", Message = "The name 'x' does not exist", Target = "CoreCompile", File = "Program.cs", Line = 3, Column = 9 });
        var record = f.Store.EndRun(Id, RunOutcome.Failed);
        Assert.Equal("Error", record.Phase);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("CS0103", Assert.Single(record.Errors).Code);
        Assert.Equal("Build", record.Errors[0].Phase);
    }

    [Fact]
    public void A_failed_run_can_record_its_outputs_in_the_commit_that_ends_it_reusing_known_hashes()
    {
        using var f = new StoreFixture();
        var dll = f.WriteFile("src/App/bin/App.dll", "v1");
        var pdb = f.WriteFile("src/App/bin/App.pdb", "p1");
        f.Run(Id, "r1", "Setup", "Build");
        f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], Transitions = ["Cleanup", "Complete"] });

        // The dll unchanged: the earlier run's hash is kept (the cache applies), only the pdb is read.
        f.Run(Id, "r2", "Setup", "Build");
        var before = f.Store.Get(Id).Sequence;
        var hashed = ArtifactHasher.FilesHashedOnThisThread;
        var record = f.Store.EndRun(Id, RunOutcome.Failed, "a target failed after Build", endsInstance: false, [new ArtifactInput(dll, "assembly"), new ArtifactInput(pdb, "pdb")]);
        Assert.Equal(hashed + 1, ArtifactHasher.FilesHashedOnThisThread);

        Assert.Equal(before + 1, record.Sequence); // one commit
        Assert.Equal(("Error", RunStatus.Failed), (record.Phase, record.Status));
        Assert.Equal("a target failed after Build", record.Run!.Reason);
        Assert.Equal(["assembly", "pdb"], record.Artifacts.Select(a => a.Kind));
        Assert.Equal(ArtifactHasher.HashBytes("v1"u8), record.Artifacts[0].Sha256);
        Assert.Equal(ArtifactHasher.HashBytes("p1"u8), record.Artifacts[1].Sha256);
        var ended = f.Store.ReadHistory(Id).Entries[^1];
        Assert.Equal((HistoryKinds.RunEnded, "a target failed after Build (2 artifact(s) recorded)"), (ended.Kind, ended.Message));

        // An ended run is left as it is, its artifacts too.
        var again = f.Store.EndRun(Id, RunOutcome.Failed, "again", endsInstance: false, [new ArtifactInput(dll, "assembly")]);
        Assert.Equal(record.Sequence, again.Sequence);
    }

    [Fact]
    public void Ending_a_run_short_of_a_terminal_phase_never_leaves_it_running()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var record = f.Store.EndRun(Id, RunOutcome.Succeeded);
        Assert.Equal("Error", record.Phase);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Contains("before a terminal phase", record.Run!.Reason);
    }

    [Fact]
    public void Ending_an_ended_run_changes_nothing()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        var before = f.Store.Get(Id).Sequence;
        f.Store.EndRun(Id, RunOutcome.Failed);
        Assert.Equal(before, f.Store.Get(Id).Sequence);
        Assert.Equal(RunStatus.Succeeded, f.Store.Get(Id).Status);
    }

    [Fact]
    public void A_transition_after_the_run_ended_is_refused()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        var e = Assert.Throws<BuildStateException>(() => f.Store.Transition(Id, "Error"));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
    }

    [Fact]
    public void A_new_run_supersedes_a_running_one_and_marks_it_interrupted_in_history()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r1", "Setup");
        f.Run(Id, "r2");
        var history = f.Store.GetHistory(Id);
        Assert.Contains(history, h => h.Kind == HistoryKinds.RunInterrupted && h.RunId == "r1");
        var record = f.Store.Get(Id);
        Assert.Equal("r2", record.RunId);
        Assert.Equal("Init", record.Phase);
        Assert.Empty(record.Transitions);
    }

    [Fact]
    public void Runs_whose_owner_is_gone_are_swept_to_interrupted()
    {
        using var f = new StoreFixture();
        var dead = new OwnerInfo { ProcessId = 999_999, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UtcNow.AddDays(-1) };
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r1", Owner = dead });
        f.Store.StartRun("other|Debug|net10.0", new StartRunRequest { RunId = "r1" }); // alive: this process
        var marked = f.Store.SweepInterruptedRuns();
        Assert.Equal([Id], marked);
        Assert.Equal(RunStatus.Interrupted, f.Store.Get(Id).Status);
        Assert.Equal(RunStatus.Running, f.Store.Get("other|Debug|net10.0").Status);
    }

    [Fact]
    public void Owners_on_other_hosts_are_never_interrupted()
    {
        using var f = new StoreFixture();
        var remote = new OwnerInfo { ProcessId = 1, Host = "some-other-machine", ProcessStartedAt = DateTimeOffset.UtcNow };
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r1", Owner = remote });
        Assert.Empty(f.Store.SweepInterruptedRuns());
    }

    [Fact]
    public void Custom_lifecycles_registered_in_the_store_are_enforced()
    {
        using var f = new StoreFixture();
        var release = new BuildState.Lifecycle.TableDefinition("Release", "Draft", ["Published"], "Failed",
        [
            ("Draft", ["Built", "Failed"]),
            ("Built", ["Signed", "Failed"]),
            ("Signed", ["Published", "Failed"]),
            ("Published", []),
            ("Failed", ["Draft"]),
        ]);
        f.Store.Lifecycles.Register(release);
        f.Store.StartRun("pkg", new StartRunRequest { RunId = "r", Lifecycle = "Release" });
        f.Store.Transition("pkg", "Built");
        var e = Assert.Throws<BuildStateException>(() => f.Store.Transition("pkg", "Published"));
        Assert.Contains("legal targets from Built: Signed, Failed", e.Message);
        f.Store.Transition("pkg", "Signed");
        f.Store.Transition("pkg", "Published");
        Assert.Equal(RunStatus.Succeeded, f.Store.Get("pkg").Status);
    }

    [Fact]
    public void An_unknown_lifecycle_is_refused()
    {
        using var f = new StoreFixture();
        var e = Assert.Throws<BuildStateException>(() => f.Store.StartRun(Id, new StartRunRequest { RunId = "r", Lifecycle = "Nope" }));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
    }

    [Fact]
    public void Update_changes_data_but_never_phase_or_status()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        f.Store.Update(Id, r => r.Dependencies.Add("lib|Debug|net10.0"));
        Assert.Equal(["lib|Debug|net10.0"], f.Store.Get(Id).Dependencies);
        var e = Assert.Throws<BuildStateException>(() => f.Store.Update(Id, r => r.Phase = "Complete"));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
    }

    [Fact]
    public void Unknown_builds_are_not_found()
    {
        using var f = new StoreFixture();
        Assert.Null(f.Store.TryGet("nope"));
        var e = Assert.Throws<BuildStateException>(() => f.Store.Get("nope"));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        Assert.Equal(ExitCodes.NotFound, e.ExitCode);
        Assert.Throws<BuildStateException>(() => f.Store.Transition("nope", "Setup"));
    }

    [Fact]
    public void Builds_resolve_by_full_id_or_unique_part_and_ambiguity_lists_candidates()
    {
        using var f = new StoreFixture();
        f.Run("src/App/App.csproj|Debug|net10.0", "r");
        f.Run("src/App/App.csproj|Release|net10.0", "r");
        f.Run("src/Lib/Lib.csproj|Debug|net10.0", "r");
        Assert.Equal("src/Lib/Lib.csproj|Debug|net10.0", f.Store.ResolveBuildId("lib"));
        var e = Assert.Throws<BuildStateException>(() => f.Store.ResolveBuildId("App"));
        Assert.Contains("src/App/App.csproj|Debug|net10.0", e.Message);
        Assert.Contains("src/App/App.csproj|Release|net10.0", e.Message);
        Assert.Equal(StoreErrorKind.NotFound, e.Kind); // exit code 5, as an unknown build
        Assert.Equal(StoreErrorKind.NotFound, Assert.Throws<BuildStateException>(() => f.Store.ResolveBuildId("zzz")).Kind);

        // A project's exact name wins over a longer name that contains it.
        f.Run("src/Lib.Tests/Lib.Tests.csproj|Debug|net10.0", "r");
        Assert.Equal("src/Lib/Lib.csproj|Debug|net10.0", f.Store.ResolveBuildId("Lib"));
        Assert.Equal("src/App/App.csproj|Release|net10.0", f.Store.ResolveBuildId("app|release"));
    }
}

public class GeneratedDefaultLifecycleTests
{
    [Fact]
    public void The_store_enforces_the_generated_default_table()
    {
        Assert.Same(BuildState.Lifecycle.DefaultTransitions.Definition, BuildState.Lifecycle.DefaultLifecycle.Definition);
        Assert.Equal(["Init", "Setup", "Build", "Test", "Cleanup", "Complete", "Error"], BuildState.Lifecycle.DefaultLifecycle.Definition.Phases);
        Assert.True(BuildState.Lifecycle.DefaultTransitions.CanTransition(BuildState.Lifecycle.DefaultPhase.Build, BuildState.Lifecycle.DefaultPhase.Cleanup));
    }

    [Fact]
    public void A_stored_phase_rehydrates_into_its_typed_state()
    {
        using var f = new BuildState.Core.Tests.Infrastructure.StoreFixture();
        f.Run("app", "r", "Setup", "Build");
        var state = BuildState.Lifecycle.Default.FromPhaseName(f.Store.Get("app").Phase);
        var build = Assert.IsType<BuildState.Lifecycle.Default.Build>(state);
        Assert.Equal(BuildState.Lifecycle.DefaultPhase.Cleanup, build.ToCleanup().Phase);
    }
}
