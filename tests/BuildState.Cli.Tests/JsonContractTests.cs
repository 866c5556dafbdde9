using System.Text.Json;
using BuildState.Model;
using BuildState.Store;
using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>The --json shapes of DESIGN.md: field names are a contract (added to, never renamed).</summary>
public sealed class JsonContractTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private static void HasFields(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(element.TryGetProperty(name, out _), $"missing '{name}' in {element}");
        }
    }

    [Fact]
    public void Status_json_lists_every_build_with_the_contract_fields()
    {
        var result = Bs.Run(_store.Repo, "status", "--json");
        Assert.Equal(0, result.Code);
        var builds = result.Json.GetProperty("builds").EnumerateArray().ToList();
        Assert.Equal(3, builds.Count);
        foreach (var build in builds)
        {
            HasFields(build, "id", "phase", "status", "runId", "updatedAt");
        }

        var app = builds.Single(b => b.GetProperty("id").GetString() == TestStore.App);
        Assert.Equal("Complete", app.GetProperty("phase").GetString());
        Assert.Equal("Succeeded", app.GetProperty("status").GetString());
        Assert.Equal("run-1", app.GetProperty("runId").GetString());
        Assert.True(app.GetProperty("updatedAt").TryGetDateTimeOffset(out _));
        var lib = builds.Single(b => b.GetProperty("id").GetString() == TestStore.Lib);
        Assert.Equal("Failed", lib.GetProperty("status").GetString());
        Assert.Equal("Error", lib.GetProperty("phase").GetString());
    }

    [Fact]
    public void Show_json_is_one_build_with_transitions_artifacts_checkpoints_and_errors()
    {
        var result = Bs.Run(_store.Repo, "show", "App.csproj|Debug", "--json");
        Assert.Equal(0, result.Code);
        var b = result.Json;
        HasFields(b, "id", "phase", "status", "runId", "transitions", "artifacts", "checkpoints", "errors");
        Assert.Equal(TestStore.App, b.GetProperty("id").GetString());
        var transitions = b.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal(5, transitions.Count);
        HasFields(transitions[0], "from", "to", "at");
        Assert.Equal("Init", transitions[0].GetProperty("from").GetString());
        Assert.Equal("Complete", transitions[^1].GetProperty("to").GetString());
        var artifact = b.GetProperty("artifacts").EnumerateArray().Single();
        HasFields(artifact, "path", "size", "sha256");
        Assert.Equal("src/App/bin/App.dll", artifact.GetProperty("path").GetString());
        Assert.Equal(64, artifact.GetProperty("sha256").GetString()!.Length);
        Assert.True(artifact.GetProperty("size").GetInt64() > 0);
        var checkpoint = b.GetProperty("checkpoints").EnumerateArray().Single();
        HasFields(checkpoint, "id", "phase", "createdAt");
        Assert.Equal("Build", checkpoint.GetProperty("phase").GetString());
        Assert.Empty(b.GetProperty("errors").EnumerateArray());

        var lib = Bs.Run(_store.Repo, "show", "Lib", "--json").Json;
        var error = lib.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal("CS0103", error.GetProperty("code").GetString());
        Assert.Contains("Widget", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, lib.GetProperty("tests").ValueKind); // ran no tests
    }

    [Fact]
    public void Show_json_lists_every_transition_of_a_run_longer_than_a_state_holds()
    {
        var moves = StoreLimits.MaxTransitionsInState + 40;
        _store.Store.StartRun(TestStore.Core, new StartRunRequest { RunId = "long" });
        for (var i = 0; i < moves; i++)
        {
            _store.Store.Transition(TestStore.Core, i % 2 == 0 ? "Error" : "Init");
        }

        Assert.Equal(40, _store.Store.Get(TestStore.Core).EarlierTransitions);
        var result = Bs.Run(_store.Repo, "show", "Core.csproj", "--json");
        Assert.Equal(0, result.Code);
        var transitions = result.Json.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal(moves, transitions.Count);
        Assert.Equal("Init", transitions[0].GetProperty("from").GetString());
        Assert.Equal("Error", transitions[0].GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("earlierTransitions").ValueKind);
    }

    [Fact]
    public void Show_gives_the_test_counts_of_a_run_that_ran_tests()
    {
        _store.Store.Update(TestStore.App, r => r.Tests = new TestResults { Total = 4, Passed = 2, Failed = 1, Skipped = 1, Source = "src/App/obj/buildstate-tests.trx" });
        var tests = Bs.Run(_store.Repo, "show", "App.csproj|Debug", "--json").Json.GetProperty("tests");
        HasFields(tests, "total", "passed", "failed", "skipped", "source");
        Assert.Equal((4, 2, 1, 1), (tests.GetProperty("total").GetInt32(), tests.GetProperty("passed").GetInt32(), tests.GetProperty("failed").GetInt32(), tests.GetProperty("skipped").GetInt32()));
        Assert.Contains("2 passed, 1 failed, 1 skipped, 4 in all (src/App/obj/buildstate-tests.trx)", Bs.Run(_store.Repo, "show", "App.csproj|Debug").Out);
    }

    [Fact]
    public void List_filters_by_status_phase_and_since()
    {
        var failed = Bs.Run(_store.Repo, "list", "--status", "Failed", "--json").Json.GetProperty("builds").EnumerateArray().ToList();
        Assert.Equal(TestStore.Lib, Assert.Single(failed).GetProperty("id").GetString());
        var complete = Bs.Run(_store.Repo, "list", "--phase", "complete", "--json").Json.GetProperty("builds").EnumerateArray().ToList();
        Assert.Equal(2, complete.Count);
        Assert.Equal(3, Bs.Run(_store.Repo, "list", "--since", "1h", "--json").Json.GetProperty("builds").GetArrayLength());
        Assert.Equal(0, Bs.Run(_store.Repo, "list", "--since", "2999-01-01", "--json").Json.GetProperty("builds").GetArrayLength());
    }

    [Fact]
    public void History_checkpoints_and_validate_json()
    {
        var history = Bs.Run(_store.Repo, "history", "Lib", "--json").Json;
        Assert.Equal(TestStore.Lib, history.GetProperty("id").GetString());
        var kinds = history.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["run-started", "transition", "transition", "error", "run-ended"], kinds);
        Assert.Equal(2, Bs.Run(_store.Repo, "history", "Lib", "--last", "2", "--json").Json.GetProperty("history").GetArrayLength());
        Assert.Contains("the last 2 of 5 record(s)", Bs.Run(_store.Repo, "history", "Lib", "--last", "2").Out);
        Assert.Contains(": 5 record(s)", Bs.Run(_store.Repo, "history", "Lib", "--last", "9").Out);

        var checkpoints = Bs.Run(_store.Repo, "checkpoints", "App.csproj|Debug", "--json").Json.GetProperty("checkpoints").EnumerateArray().Single();
        HasFields(checkpoints, "id", "phase", "createdAt", "name", "hasArtifactCopies", "artifacts");
        Assert.Equal("after-build", checkpoints.GetProperty("name").GetString());

        var validate = Bs.Run(_store.Repo, "validate", "--json");
        Assert.True(validate.Code == 0, validate.ToString());
        HasFields(validate.Json, "valid", "buildsChecked", "filesChecked", "problems", "filesPerSecond");
        Assert.True(validate.Json.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void Human_output_is_an_aligned_table_without_colour_when_redirected()
    {
        var result = Bs.Run(_store.Repo, "status");
        Assert.Equal(0, result.Code);
        Assert.DoesNotContain("\u001b[", result.Out);
        var lines = result.Out.Split('\n');
        var header = lines.Single(l => l.Contains("BUILD") && l.Contains("PHASE"));
        var app = lines.Single(l => l.Contains(TestStore.App));
        Assert.Equal(header.IndexOf("PHASE", StringComparison.Ordinal), app.IndexOf("Complete", StringComparison.Ordinal));
        Assert.True(result.Out.Contains("3 build(s): 2 succeeded, 1 failed"), result.ToString());

        var show = Bs.Run(_store.Repo, "show", "App.csproj|Debug");
        Assert.Contains("after-build", show.Out);
        Assert.Contains("src/App/bin/App.dll", show.Out);
        Assert.Matches(@"\d+ B", show.Out);
        var lib = Bs.Run(_store.Repo, "show", "Lib");
        Assert.Contains("src/Lib/Widget.cs(12,9): CS0103", lib.Out);
    }

    [Fact]
    public void Found_from_a_subdirectory_without_root()
    {
        var sub = Path.Combine(_store.Repo, "src", "App");
        Directory.CreateDirectory(sub);
        Assert.Equal(3, Bs.Run(sub, "status", "--json").Json.GetProperty("builds").GetArrayLength());
        Assert.Equal(3, Bs.Run(Path.GetTempPath(), "status", "--json", "--root", _store.Repo).Json.GetProperty("builds").GetArrayLength());
        Assert.Equal(3, Bs.Run(Path.GetTempPath(), "status", "--json", "--root", _store.Root).Json.GetProperty("builds").GetArrayLength());
    }

    [Fact]
    public void Graph_prints_the_default_lifecycle_and_the_dependency_graph()
    {
        var mermaid = Bs.Run(_store.Repo, "graph");
        Assert.Equal(0, mermaid.Code);
        Assert.Contains("stateDiagram-v2", mermaid.Out);
        Assert.Contains("Build --> Test", mermaid.Out);
        var dot = Bs.Run(_store.Repo, "graph", "--format", "dot");
        Assert.Contains("digraph", dot.Out);
        Assert.Contains("\"Cleanup\" -> \"Complete\"", dot.Out);
        var deps = Bs.Run(_store.Repo, "graph", "--deps", "--format", "dot");
        Assert.Contains($"\"{TestStore.App}\" -> \"{TestStore.Core}\"", deps.Out);
    }
}
