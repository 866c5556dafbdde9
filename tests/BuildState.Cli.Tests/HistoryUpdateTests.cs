using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>history's text: a record that changed no phase names the phase it was in, not a self-transition.</summary>
public sealed class HistoryUpdateTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void An_update_in_Test_reads_Test_not_Test_to_Test()
    {
        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "r1", ThenTransitionTo = "Setup", AndThen = ["Build", "Test"] });
        _store.Store.Advance(TestStore.App, new AdvanceRequest { Tests = new TestResults { Total = 2, Passed = 1, Failed = 1 } }); // a test session's counts

        var result = Bs.Run(_store.Repo, "history", "App");

        Assert.True(result.Code == 0, result.ToString());
        var update = Assert.Single(result.Out.Split('\n'), l => l.Contains("tests: 1 passed, 1 failed", StringComparison.Ordinal));
        Assert.DoesNotContain("Test -> Test", update);
        Assert.Matches(@"update\s+r1\s+Test\s", update);
        Assert.Contains(" -> Test", result.Out); // a real transition (the run start, into Test) keeps its arrow
    }
}
