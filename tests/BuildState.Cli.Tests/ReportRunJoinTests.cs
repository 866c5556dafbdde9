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

        // The store itself is unchanged: the build's current state is the session's run.
        Assert.Equal(session, _store.Open().Get(TestStore.App).Run!.StartedAt, TimeSpan.FromMilliseconds(1));
    }
}
