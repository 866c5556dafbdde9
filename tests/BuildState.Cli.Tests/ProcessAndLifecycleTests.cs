using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>Real `dotnet buildstate.dll` runs, and custom lifecycle tables carried in the store.</summary>
public sealed class ProcessAndLifecycleTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_real_process_prints_plain_text_when_redirected_and_honours_NO_COLOR()
    {
        var plain = Bs.RunProcess(_store.Repo, "status");
        Assert.True(plain.Code == 0, plain.ToString());
        Assert.Contains(TestStore.App, plain.Out);
        Assert.DoesNotContain("\u001b[", plain.Out);
        var noColor = Bs.RunProcess(_store.Repo, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, "show", "Lib");
        Assert.DoesNotContain("\u001b[", noColor.Out);
        Assert.Contains("CS0103", noColor.Out);
        var json = Bs.RunProcess(_store.Repo, "status", "--json");
        Assert.Equal(3, json.Json.GetProperty("builds").GetArrayLength());
    }

    [Fact]
    public void A_real_process_gives_64_for_usage_and_one_line_for_a_corrupt_store()
    {
        var usage = Bs.RunProcess(_store.Repo, "restore", "App.csproj");
        Assert.Equal(64, usage.Code);
        Assert.Contains("Usage:", usage.Err);

        var state = _store.StateFile(TestStore.Lib);
        File.WriteAllBytes(state, [0xFF, 0xFE, 0x00, 0x7B]);
        File.WriteAllText(_store.HistoryLog(TestStore.Lib), "BSH1 garbage");
        var backups = _store.Store.Layout.BackupDir(BuildKey.For(TestStore.Lib));
        if (Directory.Exists(backups))
        {
            Directory.Delete(backups, true);
        }

        var corrupt = Bs.RunProcess(_store.Repo, "show", TestStore.Lib);
        Assert.True(corrupt.Code == 3, corrupt.ToString());
        var line = Assert.Single(corrupt.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(state, line);
        Assert.DoesNotContain(" at ", corrupt.Err);
    }

    [Fact]
    public void A_lock_held_by_this_process_times_out_a_real_process_with_2()
    {
        var holder = _store.Open();
        using (holder.Locks.Acquire(holder.Layout.BuildLock(BuildKey.For(TestStore.App)), "held by the test"))
        {
            var result = Bs.RunProcess(_store.Repo, "checkpoint", "App.csproj", "--lock-timeout", "300ms");
            Assert.True(result.Code == 2, result.ToString());
            Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private const string Release = BuildState.Tests.Shared.SampleTables.Release;

    [Fact]
    public void Runs_in_one_process_at_once_each_get_their_own_output()
    {
        // The verbs' options are static: a run that changed one (its accepted values set again at
        // every command tree built) raced with another run's parse, which then failed as a usage
        // error and printed nothing (about 1 run in 100 failed before the fix: 1,000 catch it).
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var format = i % 2 == 0 ? "dot" : "mermaid";
            var result = Bs.Run(_store.Repo, "graph", "--format", format);
            if (result.Code != 0 || !result.Out.Contains(format == "dot" ? "digraph" : "stateDiagram", StringComparison.Ordinal))
            {
                failures.Enqueue(result.ToString());
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of 1000 runs failed; the first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public void Custom_lifecycles_from_the_store_are_validated_and_drawn()
    {
        var dir = Path.Combine(_store.Root, "lifecycles");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Release.buildstate.json"), Release);
        var options = new StoreOptions { Durability = Durability.None };
        options.Lifecycles.Register(new BuildState.Lifecycle.TableDefinition("Release", "Draft", ["Published"], "Failed", [("Draft", ["Built", "Failed"]), ("Built", ["Signed", "Failed"]), ("Signed", ["Published", "Failed"]), ("Published", []), ("Failed", ["Draft"])]));
        var writer = BuildStore.Open(_store.Root, options);
        const string pkg = "src/Pkg/Pkg.csproj|Release|net10.0";
        writer.StartRun(pkg, new StartRunRequest { RunId = "rel-1", Lifecycle = "Release" });
        writer.Transition(pkg, "Built");
        writer.Transition(pkg, "Signed");
        writer.Transition(pkg, "Published");

        var valid = Bs.Run(_store.Repo, "validate");
        Assert.True(valid.Code == 0, valid.ToString());
        var graph = Bs.Run(_store.Repo, "graph", "Release");
        Assert.Contains("Signed --> Published", graph.Out);
        Assert.Contains("\"Built\" -> \"Signed\"", Bs.Run(_store.Repo, "graph", Path.Combine(dir, "Release.buildstate.json"), "--format", "dot").Out);

        // A bad table is reported with its file, line and column, never a crash; the build it drives can no longer be checked.
        var bad = Path.Combine(dir, "Release.buildstate.json");
        File.WriteAllText(bad, Release.Replace("\"Signed\": [\"Published\", \"Failed\"]", "\"Signed\": [\"Published\", \"Nowhere\"]"));
        var invalid = Bs.Run(_store.Repo, "validate");
        Assert.True(invalid.Code == 4, invalid.ToString());
        Assert.Matches(@"Release\.buildstate\.json\(\d+,\d+\): error BST\d{4}", invalid.Out);
        Assert.Contains("lifecycle 'Release' is not known", invalid.Out);
        var drawn = Bs.Run(_store.Repo, "graph", bad);
        Assert.Equal(4, drawn.Code);
        Assert.Matches(@"Release\.buildstate\.json\(\d+,\d+\): error BST\d{4}", drawn.Err);
    }
}
