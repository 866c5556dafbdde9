using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

public sealed class RestoreTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Restore_artifacts_brings_back_a_deleted_file()
    {
        var dll = _store.ArtifactPath("src/App/bin/App.dll");
        var original = File.ReadAllBytes(dll);
        File.Delete(dll);
        var verify = Bs.Run(_store.Repo, "verify", "App.csproj");
        Assert.Equal(4, verify.Code);
        var withCopies = _store.Store.Get(TestStore.App).Checkpoints.Single(c => c.Name == "after-build").Id;
        Assert.Contains($"`buildstate restore \"{TestStore.App}\" {withCopies} --artifacts` puts back these files from the newest checkpoint with copies that holds them (after-build,", verify.Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));

        // The same advice for scripts.
        var json = Bs.Run(_store.Repo, "verify", "App.csproj", "--json");
        Assert.Equal(4, json.Code);
        var restore = json.Json.GetProperty("restore");
        Assert.Equal(withCopies, restore.GetProperty("checkpoint").GetString());
        Assert.False(restore.GetProperty("rollsBack").GetBoolean());
        Assert.True(restore.GetProperty("anyCheckpointHasCopies").GetBoolean());
        Assert.Equal(["src/App/bin/App.dll"], restore.GetProperty("files").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(0, restore.GetProperty("notHeld").GetArrayLength());
        Assert.Equal(0, restore.GetProperty("outside").GetArrayLength());

        var result = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build", "--artifacts", "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("src/App/bin/App.dll", result.Json.GetProperty("restored")[0].GetString());
        Assert.Equal("Build", result.Json.GetProperty("phase").GetString());
        Assert.Equal(original, File.ReadAllBytes(dll));
        Assert.Equal(0, Bs.Run(_store.Repo, "verify", "App.csproj").Code);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Bs.Run(_store.Repo, "verify", "App.csproj", "--json").Json.GetProperty("restore").ValueKind);
    }

    [Fact]
    public void Verify_says_to_rebuild_when_no_checkpoint_holds_copies_of_the_files()
    {
        using var store = new TestStore();
        var dll = store.ArtifactPath("src/App/bin/App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "built");
        store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "r" });
        store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(dll, "assembly")]);
        store.Store.CreateCheckpoint(TestStore.App, "built", copyArtifacts: false);
        File.Delete(dll);

        var verify = Bs.Run(store.Repo, "verify", "App.csproj");
        Assert.Equal(4, verify.Code);
        Assert.Contains("rebuild to bring them back: no checkpoint of this build holds copies of its files", verify.Out.ReplaceLineEndings(" "));
        Assert.DoesNotContain("--artifacts", verify.Out);

        // A checkpoint with copies taken before the latest run holds older files: restoring it is a roll-back, and the hint says so.
        File.WriteAllText(dll, "built");
        store.Store.CreateCheckpoint(TestStore.App, "old", copyArtifacts: true);
        Thread.Sleep(20);
        store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "newer" });
        store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(dll, "assembly")]);
        File.Delete(dll);
        var rollBack = Bs.Run(store.Repo, "verify", "App.csproj").Out.ReplaceLineEndings(" ");
        Assert.Contains("rebuild to bring them back;", rollBack);
        Assert.Contains("taken before the latest run: a roll-back of the build", rollBack.Replace("  ", " ", StringComparison.Ordinal));
        Assert.True(Bs.Run(store.Repo, "verify", "App.csproj", "--json").Json.GetProperty("restore").GetProperty("rollsBack").GetBoolean());
    }

    /// <summary>A run that builds App.dll, takes "built" with copies (as the SDK does, before Publish), then publishes two files.</summary>
    private static (string Dll, string Exe, string Json) BuildThenPublish(TestStore store, string? publishDir = null)
    {
        var dll = store.ArtifactPath("src/App/bin/App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "built");
        store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "r" });
        store.Store.Transition(TestStore.App, "Setup");
        store.Store.Transition(TestStore.App, "Build");
        store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(dll, "assembly")]);
        store.Store.CreateCheckpoint(TestStore.App, "built", copyArtifacts: true, automatic: true);
        var publish = publishDir ?? store.ArtifactPath("src/App/bin/publish");
        Directory.CreateDirectory(publish);
        var exe = Path.Combine(publish, "App");
        var json = Path.Combine(publish, "App.deps.json");
        File.WriteAllText(exe, "apphost");
        File.WriteAllText(json, "{}");
        store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(exe, "publish"), new ArtifactInput(json, "publish")]);
        return (dll, exe, json);
    }

    [Fact]
    public void Verify_does_not_suggest_a_restore_for_published_files_no_checkpoint_holds()
    {
        using var store = new TestStore();
        var (dll, exe, json) = BuildThenPublish(store);
        Directory.Delete(Path.GetDirectoryName(exe)!, recursive: true);

        var verify = Bs.Run(store.Repo, "verify", "App.csproj");
        var text = verify.Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal);
        Assert.Equal(4, verify.Code);
        Assert.DoesNotContain("buildstate restore", text);
        Assert.Contains("rebuild, or pack or publish again, to bring them back: no checkpoint with copies holds them (2: src/App/bin/publish/App, src/App/bin/publish/App.deps.json)", text);

        // With the build's own file gone too, the restore is suggested for that one only.
        File.Delete(dll);
        var built = store.Store.Get(TestStore.App).Checkpoints.Single().Id;
        text = Bs.Run(store.Repo, "verify", "App.csproj").Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal);
        Assert.Contains($"`buildstate restore \"{TestStore.App}\" {built} --artifacts` puts back 1 of them (src/App/bin/App.dll) from the newest checkpoint with copies that holds them (built,", text);
        Assert.Contains("no checkpoint restore puts back the other 2 (src/App/bin/publish/App, src/App/bin/publish/App.deps.json): rebuild, or pack or publish again", text);
    }

    [Fact]
    public void Restore_reports_the_artifact_records_it_drops_and_keeps_the_ones_still_on_disk()
    {
        using var store = new TestStore();
        var (dll, _, json) = BuildThenPublish(store);
        File.Delete(dll);
        File.Delete(json);

        var result = Bs.Run(store.Repo, "restore", "App.csproj", "built", "--artifacts", "--json");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(["src/App/bin/App.dll"], result.Json.GetProperty("restored").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["src/App/bin/publish/App"], result.Json.GetProperty("kept").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["src/App/bin/publish/App.deps.json"], result.Json.GetProperty("dropped").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, result.Json.GetProperty("notRestored").GetArrayLength());
        Assert.Equal(["src/App/bin/App.dll", "src/App/bin/publish/App"], store.Store.Get(TestStore.App).Artifacts.Select(a => a.Path));

        var text = Bs.Run(store.Repo, "restore", "App.csproj", "built", "--artifacts").Out;
        Assert.Contains("kept", text);
        Assert.Contains("src/App/bin/publish/App", text);
    }

    [Fact]
    public void Restore_of_a_checkpoint_with_a_file_outside_the_repository_restores_the_rest_and_exits_4()
    {
        using var store = new TestStore();
        var elsewhere = Path.Combine(Path.GetTempPath(), "bs-cli-publish-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var (dll, exe, _) = BuildThenPublish(store, elsewhere);
            store.Store.CreateCheckpoint(TestStore.App, "published", copyArtifacts: true);
            File.Delete(dll);
            File.Delete(exe);

            var verify = Bs.Run(store.Repo, "verify", "App.csproj").Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal);
            Assert.Contains("puts back 1 of them (src/App/bin/App.dll)", verify);
            Assert.Contains("1 outside the repository, which restore never writes, can be copied back by hand:", verify);
            var advice = Bs.Run(store.Repo, "verify", "App.csproj", "--json").Json.GetProperty("restore");
            Assert.Equal(["src/App/bin/App.dll"], advice.GetProperty("files").EnumerateArray().Select(f => f.GetString()!));
            var outside = Assert.Single(advice.GetProperty("outside").EnumerateArray());
            Assert.Equal(exe.Replace('\\', '/'), outside.GetProperty("path").GetString());
            Assert.Contains("blobs", outside.GetProperty("blob").GetString(), StringComparison.Ordinal);

            var result = Bs.Run(store.Repo, "restore", "App.csproj", "published", "--artifacts", "--json");

            Assert.True(result.Code == 4, result.ToString());
            Assert.Equal("", result.Err);
            Assert.Equal(["src/App/bin/App.dll"], result.Json.GetProperty("restored").EnumerateArray().Select(e => e.GetString()));
            var notRestored = result.Json.GetProperty("notRestored")[0];
            Assert.Equal(exe.Replace('\\', '/'), notRestored.GetProperty("path").GetString());
            Assert.Equal("apphost", File.ReadAllText(notRestored.GetProperty("copy").GetString()!));
            Assert.True(File.Exists(dll));
            Assert.False(File.Exists(exe));
        }
        finally
        {
            if (Directory.Exists(elsewhere))
            {
                Directory.Delete(elsewhere, recursive: true);
            }
        }
    }

    [Fact]
    public void Restore_artifacts_brings_back_an_executable_that_can_run()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var store = new TestStore();
        var exe = store.ArtifactPath("src/App/bin/publish/app.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(exe)!);
        File.WriteAllText(exe, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(exe, (UnixFileMode)0b111_101_101);
        store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "r" });
        store.Store.RecordArtifacts(TestStore.App, [new ArtifactInput(exe, "publish")]);
        store.Store.CreateCheckpoint(TestStore.App, "published", copyArtifacts: true);
        File.Delete(exe);

        var result = Bs.Run(store.Repo, "restore", "App.csproj", "published", "--artifacts");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(exe));
        using var run = System.Diagnostics.Process.Start(exe);
        run.WaitForExit();
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Restore_artifacts_brings_back_an_altered_file_and_says_so()
    {
        var dll = _store.ArtifactPath("src/App/bin/App.dll");
        var original = File.ReadAllBytes(dll);
        File.WriteAllText(dll, "someone rebuilt this by hand");
        var result = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build", "--artifacts");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("restored", result.Out);
        Assert.Contains("SHA-256 verified", result.Out);
        Assert.Equal(original, File.ReadAllBytes(dll));
        Assert.Equal(ArtifactHasher.HashBytes(original), ArtifactHasher.HashFile(dll));
    }

    [Fact]
    public void Restoring_an_earlier_runs_built_checkpoint_shows_that_run_as_it_ended()
    {
        using var store = new TestStore();
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var recorder = BuildStore.Open(store.Root, new StoreOptions { Durability = Durability.None, Clock = () => now });
        var dll = store.ArtifactPath("src/App/bin/App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        string BuildOnce(string runId, string content)
        {
            File.WriteAllText(dll, content);
            recorder.StartRun(TestStore.App, new StartRunRequest { RunId = runId, ThenTransitionTo = "Setup", AndThen = ["Build"] });
            now = now.AddSeconds(42);
            var record = recorder.Advance(TestStore.App, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], CheckpointName = "built", Transitions = ["Cleanup", "Complete"] });
            now = now.AddMinutes(2);
            return record.Checkpoints[^1].Id;
        }

        var builtOfA = BuildOnce("A", "v1");
        BuildOnce("B", "v2, rebuilt");

        Assert.Equal(0, Bs.Run(store.Repo, "restore", "App.csproj", builtOfA).Code);

        var shown = Bs.Run(store.Repo, "show", "App.csproj", "--json").Json;
        Assert.Equal("A", shown.GetProperty("runId").GetString());
        Assert.Equal("Complete", shown.GetProperty("phase").GetString());
        Assert.Equal("Succeeded", shown.GetProperty("status").GetString());
        var text = Bs.Run(store.Repo, "show", "App.csproj").Out;
        Assert.Contains(", 42.0 s", text); // the run took its 42 s, not the time until the restore
        Assert.DoesNotContain("Interrupted", text);
    }

    [Fact]
    public void Checkpoint_from_the_command_then_restore_by_name()
    {
        var taken = Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--name", "cli-made", "--json");
        Assert.Equal(0, taken.Code);
        var id = taken.Json.GetProperty("checkpoint").GetProperty("id").GetString();
        Assert.True(taken.Json.GetProperty("checkpoint").GetProperty("hasArtifactCopies").GetBoolean());
        File.Delete(_store.ArtifactPath("src/App/bin/App.dll"));
        var restored = Bs.Run(_store.Repo, "restore", "App.csproj", "cli-made", "--artifacts", "--json");
        Assert.Equal(id, restored.Json.GetProperty("checkpoint").GetString());
        Assert.True(File.Exists(_store.ArtifactPath("src/App/bin/App.dll")));
    }

    [Fact]
    public void Recover_rebuilds_a_corrupt_state_from_history()
    {
        var state = _store.StateFile(TestStore.Lib);
        File.WriteAllText(state, "{ torn");
        var result = Bs.Run(_store.Repo, "recover", "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.NotEmpty(result.Json.GetProperty("repaired").EnumerateArray());
        Assert.Equal(0, Bs.Run(_store.Repo, "validate").Code);
        Assert.Equal("Error", Bs.Run(_store.Repo, "show", "Lib", "--json").Json.GetProperty("phase").GetString());
    }

    [Fact]
    public void Archive_list_archived_prune_and_migrate()
    {
        var archived = Bs.Run(_store.Repo, "archive", "Lib", "--json");
        Assert.Equal(TestStore.Lib, archived.Json.GetProperty("archived")[0].GetString());
        Assert.Equal(2, Bs.Run(_store.Repo, "status", "--json").Json.GetProperty("builds").GetArrayLength());
        var list = Bs.Run(_store.Repo, "list", "--archived", "--json").Json.GetProperty("builds");
        Assert.Equal(TestStore.Lib, list[0].GetProperty("id").GetString());
        Assert.True(list[0].GetProperty("archived").GetBoolean());
        Assert.Equal(0, Bs.Run(_store.Repo, "archive", "--older-than", "1d", "--json").Json.GetProperty("archived").GetArrayLength());
        var pruned = Bs.Run(_store.Repo, "prune", "--keep-last", "0", "--json");
        Assert.Equal(1, pruned.Json.GetProperty("pruned").GetArrayLength());
        Assert.Equal(0, Bs.Run(_store.Repo, "list", "--archived", "--json").Json.GetProperty("builds").GetArrayLength());
        var migrate = Bs.Run(_store.Repo, "migrate", "--json");
        Assert.Equal(0, migrate.Code);
        Assert.Equal(0, migrate.Json.GetProperty("migrated").GetArrayLength());
    }
}
