using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`show` of a run that several writers recorded together (MSBuild instances of one build in one invocation).</summary>
public sealed class SharedRunShowTests : IDisposable
{
    private const string Tool = "src/Tool/Tool.csproj|Release|net10.0";

    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Show_says_how_many_writers_recorded_the_run_and_json_adds_instances()
    {
        var request = new StartRunRequest { RunId = "r1", ThenTransitionTo = "Setup", AndThen = ["Build"], JoinOpenRunOfSameId = true };
        _store.Store.StartRun(Tool, request);
        _store.Store.StartRun(Tool, request);
        var end = new AdvanceRequest { Transitions = ["Cleanup", "Complete"], EndsInstance = true };
        _store.Store.Advance(Tool, end);
        _store.Store.Advance(Tool, end);

        var json = Bs.Run(_store.Repo, "show", "Tool", "--json");
        Assert.Equal(0, json.Code);
        Assert.Equal(2, json.Json.GetProperty("run").GetProperty("instances").GetInt32());
        Assert.Equal(2, json.Json.GetProperty("run").GetProperty("instancesEnded").GetInt32());

        var text = Bs.Run(_store.Repo, "show", "Tool").Out;
        Assert.Contains("Writers", text);
        Assert.Contains("2 (recorded together in one invocation", text);

        _store.Store.StartRun(Tool, new StartRunRequest { RunId = "r2" });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Bs.Run(_store.Repo, "show", "Tool", "--json").Json.GetProperty("run").GetProperty("instances").ValueKind);
        Assert.DoesNotContain("Writers", Bs.Run(_store.Repo, "show", "Tool").Out);
    }
}
