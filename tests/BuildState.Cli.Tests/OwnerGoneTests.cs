using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>A run still stored as Running whose owner process is gone (a build killed with kill -9, not yet swept): what show, status and list say.</summary>
public sealed class OwnerGoneTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Show_says_a_running_run_whose_owner_is_gone_was_cut_off_and_how_to_mark_it()
    {
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "killed", Owner = dead });

        var text = Bs.Run(_store.Repo, "show", "App").Out;
        Assert.Contains($"its owner process {Environment.ProcessId} is gone: cut off; `buildstate recover` marks it Interrupted", text);
        var json = Bs.Run(_store.Repo, "show", "App", "--json").Json;
        Assert.Equal("Running", json.GetProperty("status").GetString()); // the stored status, as the contract says
        Assert.True(json.GetProperty("run").GetProperty("ownerGone").GetBoolean());

        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "alive" });
        Assert.DoesNotContain("is gone", Bs.Run(_store.Repo, "show", "App").Out);
        Assert.False(Bs.Run(_store.Repo, "show", "App", "--json").Json.GetProperty("run").GetProperty("ownerGone").GetBoolean());
    }

    [Theory]
    [InlineData("status")]
    [InlineData("list")]
    public void Status_and_list_mark_a_running_build_whose_owner_is_gone_as_cut_off(string verb)
    {
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "killed", Owner = dead });
        _store.Store.StartRun(TestStore.Lib, new StartRunRequest { RunId = "alive" }); // owned by this test process: running
        _store.Store.StartRun(TestStore.Core, new StartRunRequest { RunId = "ended" });
        _store.Store.EndRun(TestStore.Core, RunOutcome.Failed);

        var text = Bs.Run(_store.Repo, verb).Out;
        var rows = text.Split('\n').Select(r => r.Trim()).ToList();
        Assert.Contains("Running (cut off)", rows.Single(r => r.StartsWith(TestStore.App, StringComparison.Ordinal)));
        Assert.DoesNotContain("cut off", rows.Single(r => r.StartsWith(TestStore.Lib, StringComparison.Ordinal)));
        Assert.Contains("1 running build(s) cut off: their process is gone; `buildstate recover` marks them Interrupted", text);
        if (verb == "status")
        {
            Assert.Contains("3 build(s): 1 running, 1 failed, 1 running (cut off)", text); // the live one alone counts as running
        }


        var builds = Bs.Run(_store.Repo, verb, "--json").Json.GetProperty("builds").EnumerateArray().ToDictionary(b => b.GetProperty("id").GetString()!);
        Assert.Equal("Running", builds[TestStore.App].GetProperty("status").GetString()); // the stored status
        Assert.True(builds[TestStore.App].GetProperty("ownerGone").GetBoolean());
        Assert.False(builds[TestStore.Lib].GetProperty("ownerGone").GetBoolean());
        Assert.False(builds[TestStore.Core].GetProperty("ownerGone").GetBoolean());

        // Once swept, nothing is left to say.
        Bs.Run(_store.Repo, "recover");
        Assert.DoesNotContain("cut off", Bs.Run(_store.Repo, verb).Out);
    }
}
