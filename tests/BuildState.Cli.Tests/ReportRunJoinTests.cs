using BuildState.Cli.Rendering;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>
/// The report's rows when a build has two runs under one run id: `dotnet test` in the
/// Microsoft.Testing.Platform mode records the build, then each test session as a run of its own.
/// </summary>
public sealed class ReportRunJoinTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Two_runs_of_one_build_under_one_id_are_one_row_from_the_builds_start_to_the_sessions_end()
    {
        var store = _store.Store;
        var built = DateTimeOffset.UtcNow.AddSeconds(-20);
        Directory.CreateDirectory(_store.ArtifactPath("src/App/bin"));
        File.WriteAllText(_store.ArtifactPath("src/App/bin/App.dll"), "app");
        File.WriteAllText(_store.ArtifactPath("src/App/bin/App.pdb"), "pdb");
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "dotnet-test-1", StartedAt = built, ThenTransitionTo = "Setup", AndThen = ["Build"], AndThenAt = built.AddSeconds(1) });
        store.Advance(TestStore.App, new AdvanceRequest
        {
            Artifacts = [new ArtifactInput("src/App/bin/App.dll", "assembly"), new ArtifactInput("src/App/bin/App.pdb", "pdb")],
            Transitions = ["Cleanup", "Complete"],
        });

        var session = DateTimeOffset.UtcNow;
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "dotnet-test-1", StartedAt = session, ThenTransitionTo = "Setup", AndThen = ["Build", "Test"], AndThenAt = session });
        store.Advance(TestStore.App, new AdvanceRequest { Artifacts = [new ArtifactInput("src/App/bin/App.dll", "assembly")] });
        store.RecordError(TestStore.App, new ErrorRecord { Phase = "Test", Target = "TestingPlatform", Message = "AppTests.Wrong: failed" });
        store.EndRun(TestStore.App, RunOutcome.Failed, "1 of 2 tests failed (exit code 2)");

        var model = ReportModel.Build(_store.Open(), maxRuns: 10, DateTimeOffset.UtcNow);
        var run = Assert.Single(model.Runs);
        var row = Assert.Single(run.Builds);
        Assert.Equal(built, row.Run!.StartedAt);
        Assert.Equal(RunStatus.Failed, row.Status);
        Assert.Equal(["Setup", "Build", "Cleanup", "Complete", "Setup", "Build", "Test", "Error"], row.Transitions.Select(t => t.To));
        Assert.Equal(["src/App/bin/App.pdb", "src/App/bin/App.dll"], row.Artifacts.Select(a => a.Path));
        var segments = ReportRun.Segments(row, DateTimeOffset.UtcNow);
        Assert.Contains(segments, s => s.Phase == "Build" && s.To - s.From >= TimeSpan.FromSeconds(18)); // the build's compile
        Assert.Contains(segments, s => s.Phase == "Test");
        Assert.All(segments, s => Assert.True(s.To >= s.From, $"{s.Phase} runs backwards"));

        // A third run under the same id (a second session of the same `dotnet test`) joins the row
        // too; a run under another id in between stays a row of its own.
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "dotnet-test-1", ThenTransitionTo = "Setup", AndThen = ["Build", "Test"] });
        store.Advance(TestStore.App, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
        store.StartRun(TestStore.Lib, new StartRunRequest { RunId = "other", ThenTransitionTo = "Setup" });
        store.EndRun(TestStore.Lib, RunOutcome.Failed, "no");
        model = ReportModel.Build(_store.Open(), maxRuns: 10, DateTimeOffset.UtcNow);
        Assert.Equal(["other", "dotnet-test-1"], model.Runs.Select(r => r.RunId));
        row = Assert.Single(model.Runs.Single(r => r.RunId == "dotnet-test-1").Builds);
        Assert.Equal(built, row.Run!.StartedAt);
        Assert.Equal(RunStatus.Succeeded, row.Status);
        Assert.Equal(13, row.Transitions.Count); // 4 + 4 + 5
        Assert.Single(row.Errors, e => e.Target == "TestingPlatform"); // the failed session's, kept

        // The store itself is unchanged: the build's current state is its latest run.
        Assert.True(_store.Open().Get(TestStore.App).Run!.StartedAt > session);
    }

    [Fact]
    public void A_run_with_builds_cut_off_says_interrupted_apart_from_failed()
    {
        var store = _store.Store;
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        store.StartRun(TestStore.App, new StartRunRequest { RunId = "killed", Owner = dead });
        store.StartRun(TestStore.Lib, new StartRunRequest { RunId = "killed", Owner = dead });
        store.StartRun(TestStore.Core, new StartRunRequest { RunId = "killed" });
        store.EndRun(TestStore.Core, RunOutcome.Failed);
        store.SweepInterruptedRuns();

        var html = ReportHtml.Render(ReportModel.Build(_store.Open(), maxRuns: 10, DateTimeOffset.UtcNow));
        Assert.Contains("<span class=\"bad\">1 failed</span>", html);
        Assert.Contains("<span class=\"bad\">2 interrupted</span>", html);
    }

    [Fact]
    public void The_gap_between_two_joined_runs_is_not_drawn_as_a_phase()
    {
        var t0 = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        TransitionRecord T(string from, string to, double atSeconds, double durationSeconds) =>
            new() { From = from, To = to, At = t0.AddSeconds(atSeconds), DurationMs = durationSeconds * 1000 };
        var row = new BuildRecord
        {
            Id = TestStore.App,
            Phase = "Complete",
            Run = new RunInfo { RunId = "ci-42", StartedAt = t0, EndedAt = t0.AddSeconds(16) },
            Transitions =
            [
                T("Init", "Setup", 0, 0), T("Setup", "Build", 1, 1), T("Build", "Cleanup", 3, 2), T("Cleanup", "Complete", 3, 0),
                T("Init", "Setup", 13, 0), T("Setup", "Build", 13, 0), T("Build", "Test", 13, 0), T("Test", "Cleanup", 16, 3), T("Cleanup", "Complete", 16, 0), // the test command, 10 s later
            ],
        };

        var segments = ReportRun.Segments(row, t0.AddSeconds(20));
        Assert.All(segments, s => Assert.True(s.To - s.From <= TimeSpan.FromSeconds(3), $"{s.Phase} drawn from {s.From:T} to {s.To:T}"));
        Assert.Equal(TimeSpan.FromSeconds(3), segments.Single(s => s.Phase == "Test").To - segments.Single(s => s.Phase == "Test").From);
    }
}
