using System.Text.Json;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary><c>watch</c> against a run that another writer drives through its own BuildStore.</summary>
public sealed class WatchTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>Drives a run of two builds in another BuildStore instance, with pauses between steps.</summary>
    private Thread Drive(string runId, bool failLib, ManualResetEventSlim started, int pauseMs = 120, Action? afterStart = null)
    {
        var thread = new Thread(() =>
        {
            var writer = _store.Open();
            writer.StartRun(TestStore.Lib, new StartRunRequest { RunId = runId });
            started.Set();
            afterStart?.Invoke();
            foreach (var phase in new[] { "Setup", "Build" })
            {
                Thread.Sleep(pauseMs);
                writer.Transition(TestStore.Lib, phase);
            }

            if (failLib)
            {
                writer.RecordError(TestStore.Lib, new ErrorRecord { Code = "CS1002", Message = "; expected" });
                writer.EndRun(TestStore.Lib, RunOutcome.Failed);
            }
            else
            {
                writer.Transition(TestStore.Lib, "Cleanup");
                writer.Transition(TestStore.Lib, "Complete");
            }

            writer.StartRun(TestStore.App, new StartRunRequest { RunId = runId, Dependencies = [TestStore.Lib] });
            foreach (var phase in new[] { "Setup", "Build", "Test", "Cleanup", "Complete" })
            {
                Thread.Sleep(pauseMs);
                writer.Transition(TestStore.App, phase);
            }
        })
        { IsBackground = true };
        thread.Start();
        return thread;
    }

    private static List<JsonElement> Events(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void Json_streams_every_transition_of_both_builds_and_ends_with_the_run()
    {
        using var started = new ManualResetEventSlim();
        var driver = Drive("watch-1", failLib: false, started);
        started.Wait(TimeSpan.FromSeconds(10));
        var result = Bs.Run(_store.Repo, "watch", "--json", "--interval", "50ms", "--timeout", "60s");
        driver.Join();
        Assert.True(result.Code == 0, result.ToString());
        var events = Events(result.Out);
        Assert.Equal("watch", events[0].GetProperty("event").GetString());
        Assert.Equal("watch-1", events[0].GetProperty("runId").GetString());
        var transitions = events.Where(e => e.GetProperty("event").GetString() == "transition").ToList();
        Assert.Equal(["Setup", "Build", "Cleanup", "Complete"], transitions.Where(e => e.GetProperty("id").GetString() == TestStore.Lib).Select(e => e.GetProperty("to").GetString()));
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], transitions.Where(e => e.GetProperty("id").GetString() == TestStore.App).Select(e => e.GetProperty("to").GetString()));
        Assert.Equal(2, events.Count(e => e.GetProperty("event").GetString() == "ended"));
        var done = events[^1];
        Assert.Equal("done", done.GetProperty("event").GetString());
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("builds").GetInt32());
    }

    [Fact]
    public void A_failed_build_ends_the_watch_with_1_and_its_message()
    {
        using var started = new ManualResetEventSlim();
        var driver = Drive("watch-2", failLib: true, started, pauseMs: 60);
        started.Wait(TimeSpan.FromSeconds(10));
        var result = Bs.Run(_store.Repo, "watch", "--interval", "50ms", "--timeout", "60s");
        driver.Join();
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains($"{TestStore.Lib} Failed in Error", result.Out);
        Assert.Contains("CS1002 ; expected", result.Out);
        Assert.Contains("Run watch-2 ended: Failed (2 build(s)", result.Out);
    }

    [Fact]
    public void A_run_that_does_not_end_times_out_with_9()
    {
        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "stuck" });
        var result = Bs.Run(_store.Repo, "watch", "App.csproj", "--json", "--interval", "50ms", "--timeout", "400ms");
        Assert.True(result.Code == 9, result.ToString());
        Assert.Equal("timeout", Events(result.Out)[^1].GetProperty("event").GetString());
        Assert.Contains("exit code 9", result.Err);
    }

    [Fact]
    public void A_run_cut_off_by_a_kill_ends_Interrupted_not_Failed_and_a_failure_still_wins()
    {
        var dead = new OwnerInfo { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };
        _store.Store.StartRun(TestStore.Lib, new StartRunRequest { RunId = "killed" });
        _store.Store.Transition(TestStore.Lib, "Setup");
        _store.Store.Transition(TestStore.Lib, "Build");
        _store.Store.Transition(TestStore.Lib, "Cleanup");
        _store.Store.Transition(TestStore.Lib, "Complete");
        _store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "killed", Owner = dead }); // its process killed mid-build

        var result = Bs.Run(_store.Repo, "watch", "--run", "killed", "--json", "--interval", "50ms", "--timeout", "60s");
        Assert.Equal(1, result.Code);
        var done = Events(result.Out)[^1];
        Assert.Equal(("done", "Interrupted"), (done.GetProperty("event").GetString(), done.GetProperty("status").GetString()));

        _store.Store.StartRun(TestStore.Core, new StartRunRequest { RunId = "killed" });
        _store.Store.EndRun(TestStore.Core, RunOutcome.Failed);
        done = Events(Bs.Run(_store.Repo, "watch", "--run", "killed", "--json", "--interval", "50ms", "--timeout", "60s").Out)[^1];
        Assert.Equal("Failed", done.GetProperty("status").GetString());
    }

    [Fact]
    public void A_real_watch_process_follows_a_run_written_by_this_process()
    {
        // Wait for a run that has not started yet: the watcher is a real `dotnet buildstate.dll` process.
        Directory.CreateDirectory(_store.Root);
        using var watcher = Bs.Start(_store.Repo, null, "watch", "--wait", "--json", "--interval", "50ms", "--timeout", "90s");
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var sawStart = new ManualResetEventSlim();
        watcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                sawStart.Set();
            }
        };
        watcher.BeginOutputReadLine();
        var stderr = watcher.StandardError.ReadToEndAsync();
        Thread.Sleep(1500); // usually the watcher is waiting before the run starts
        using var started = new ManualResetEventSlim();

        // On a loaded machine the watcher may start after the run has ended, and would then wait for
        // the next one: the run goes on only once the watcher has reported its start.
        Drive("watch-3", failLib: false, started, pauseMs: 80, afterStart: () => sawStart.Wait(TimeSpan.FromSeconds(60))).Join();
        Assert.True(watcher.WaitForExit(60_000), "the watcher did not end with the run");
        watcher.WaitForExit(); // drains the output events
        var stdout = string.Join("\n", lines);
        Assert.True(watcher.ExitCode == 0, $"exit {watcher.ExitCode}\n{stdout}\n{stderr.Result}");
        var events = Events(stdout);
        Assert.Equal("watch-3", events[0].GetProperty("runId").GetString());
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "transition" && e.GetProperty("to").GetString() == "Test");
        Assert.Equal("done", events[^1].GetProperty("event").GetString());
    }
}
