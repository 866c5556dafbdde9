using System.Diagnostics;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>watch --run: a run no build has is "not found" at once, unless --wait asks to wait for it.</summary>
public sealed class WatchRunTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds("run-1");

    public void Dispose() => _store.Dispose();

    [Fact]
    public void An_unknown_run_is_5_at_once_and_names_the_recent_runs()
    {
        var clock = Stopwatch.StartNew();

        var result = Bs.Run(_store.Repo, "watch", "--run", "nope", "--timeout", "20s");

        Assert.True(result.Code == 5, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "it waited instead of saying the run does not exist");
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no run 'nope'", line);
        Assert.Contains("known recent runs: run-1", line);
        Assert.Contains("--wait", line);
    }

    [Fact]
    public void With_wait_it_says_what_it_waits_for_and_follows_the_run_once_it_starts()
    {
        var starter = new Thread(() =>
        {
            Thread.Sleep(400);
            var writer = _store.Open();
            writer.StartRun(TestStore.Core, new StartRunRequest { RunId = "later" });
            foreach (var phase in new[] { "Setup", "Build", "Cleanup", "Complete" })
            {
                writer.Transition(TestStore.Core, phase);
            }
        }) { IsBackground = true };
        starter.Start();

        var result = Bs.Run(_store.Repo, "watch", "--run", "later", "--wait", "--interval", "50ms", "--timeout", "30s", "--json");
        starter.Join();

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("waiting for run later to start", result.Err.Trim());
        Assert.Contains("\"event\":\"done\"", result.Out.Replace(" ", ""));
    }

    [Fact]
    public void A_known_run_is_followed_without_wait()
    {
        var result = Bs.Run(_store.Repo, "watch", "--run", "run-1", "--timeout", "20s", "--json");
        Assert.True(result.Code == 1, result.ToString()); // Lib failed in run-1
        Assert.Equal("", result.Err);
    }
}
