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
}
