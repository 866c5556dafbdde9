using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`show` of a run still stored as Running whose owner process is gone (a build killed with kill -9, not yet swept).</summary>
public sealed class ShowOwnerGoneTests : IDisposable
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
        Assert.Equal("Running", Bs.Run(_store.Repo, "show", "App", "--json").Json.GetProperty("status").GetString()); // the stored status, as the contract says

        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "alive" });
        Assert.DoesNotContain("is gone", Bs.Run(_store.Repo, "show", "App").Out);
    }
}
