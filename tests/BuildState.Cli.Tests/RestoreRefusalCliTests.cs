using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`restore` refuses, with one line naming the file and the exit code, what it must not do.</summary>
public sealed class RestoreRefusalCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();
    private readonly string _elsewhere = Path.Combine(Path.GetTempPath(), "bs-cli-elsewhere-" + Guid.NewGuid().ToString("N")[..10]);

    public RestoreRefusalCliTests() => Directory.CreateDirectory(_elsewhere);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_elsewhere, recursive: true);
    }

    private string CheckpointFile(string name)
    {
        var id = _store.Store.Get(TestStore.App).Checkpoints.Single(c => c.Name == name).Id;
        return _store.Store.Layout.CheckpointFile(BuildKey.For(TestStore.App), id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_checkpoint_edited_to_write_outside_the_repository_exits_3_naming_it_and_writes_nothing(bool absolute)
    {
        var checkpoint = CheckpointFile("after-build");
        var planted = Path.Combine(_elsewhere, "x");
        var path = absolute ? planted : Path.GetRelativePath(_store.Repo, planted).Replace('\\', '/');
        File.WriteAllText(checkpoint, File.ReadAllText(checkpoint).Replace("\"src/App/bin/App.dll\"", $"\"{path}\"", StringComparison.Ordinal));
        var before = Bs.Run(_store.Repo, "show", "App.csproj", "--json").Json.GetProperty("phase").GetString();

        var result = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build", "--artifacts");

        Assert.True(result.Code == 3, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(checkpoint + ": ", line);
        Assert.Contains("does not match the digest", line);
        Assert.Contains("exit code 3", line);
        Assert.DoesNotContain("restored", result.Out);
        Assert.False(File.Exists(planted));
        Assert.Equal(before, Bs.Run(_store.Repo, "show", "App.csproj", "--json").Json.GetProperty("phase").GetString());
    }

    [Fact]
    public void One_overwritten_copy_exits_3_naming_it_and_no_file_or_state_is_restored()
    {
        using var store = new TestStore();
        store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "r" });
        store.Store.Transition(TestStore.App, "Setup");
        store.Store.Transition(TestStore.App, "Build");
        var files = new[] { "a.dll", "b.dll", "c.dll" }.Select(n => store.ArtifactPath("src/App/bin/" + n)).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(files[0])!);
        foreach (var file in files)
        {
            File.WriteAllText(file, "built " + Path.GetFileName(file));
        }

        store.Store.RecordArtifacts(TestStore.App, files.Select(p => new ArtifactInput(p)));
        store.Store.CreateCheckpoint(TestStore.App, "cp", copyArtifacts: true);
        store.Store.Transition(TestStore.App, "Cleanup");
        store.Store.Transition(TestStore.App, "Complete");
        var blob = store.Store.Layout.Blob(BuildKey.For(TestStore.App), ArtifactHasher.HashFile(files[2]));
        File.WriteAllText(blob, "overwritten");
        Array.ForEach(files, File.Delete);

        var result = Bs.Run(store.Repo, "restore", "App.csproj", "cp", "--artifacts");

        Assert.True(result.Code == 3, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(blob + ": ", line);
        Assert.All(files, f => Assert.False(File.Exists(f)));
        Assert.Empty(Directory.GetFiles(store.Repo, "*.restore-*", SearchOption.AllDirectories));
        Assert.Equal("Complete", Bs.Run(store.Repo, "show", "App.csproj", "--json").Json.GetProperty("phase").GetString());
    }

    [Fact]
    public void A_build_another_process_is_building_exits_4_and_keeps_its_run()
    {
        using var builder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            using var store = new TestStore();
            store.Store.StartRun(TestStore.App, new StartRunRequest { RunId = "live", Owner = BuildState.Model.OwnerInfo.Of(builder.Id) });
            store.Store.Transition(TestStore.App, "Setup");
            store.Store.CreateCheckpoint(TestStore.App, "cp");
            store.Store.Transition(TestStore.App, "Build");

            var result = Bs.Run(store.Repo, "restore", "App.csproj", "cp");

            Assert.True(result.Code == 4, result.ToString());
            var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"is being built by process {builder.Id} since ", line);
            Assert.Contains("wait for that build to end or stop it", line);
            var shown = Bs.Run(store.Repo, "show", "App.csproj", "--json").Json;
            Assert.Equal("Build", shown.GetProperty("phase").GetString());
            Assert.Equal("Running", shown.GetProperty("status").GetString());
        }
        finally
        {
            builder.Kill();
            builder.WaitForExit();
        }
    }
}
