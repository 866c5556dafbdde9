using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>
/// A checkpoint written by a newer BuildState (the reviewer's `"schemaVersion": 99`): every verb
/// says to upgrade the tool and exits 8, and none of them moves or rewrites the file.
/// </summary>
public sealed class NewerSchemaCliTests : IDisposable
{
    private const string Upgrade = "written by a newer BuildState (schema 99; this tool reads up to 2): upgrade the buildstate tool/SDK";
    private readonly TestStore _store = new TestStore().WithTwoBuilds();
    private readonly string _checkpoint;
    private readonly byte[] _bytes;

    public NewerSchemaCliTests()
    {
        _checkpoint = Directory.GetFiles(_store.Store.Layout.CheckpointsDir(BuildKey.For(TestStore.App)), "*.json").Single();
        File.WriteAllText(_checkpoint, File.ReadAllText(_checkpoint).Replace("\"schemaVersion\": 2", "\"schemaVersion\": 99"));
        _bytes = File.ReadAllBytes(_checkpoint);
    }

    public void Dispose() => _store.Dispose();

    private void AssertUntouched()
    {
        Assert.Equal(_bytes, File.ReadAllBytes(_checkpoint));
        Assert.False(Directory.Exists(_store.Store.Layout.DamagedDir));
    }

    [Fact]
    public void Restore_says_to_upgrade_and_exits_8()
    {
        var result = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build");
        Assert.True(result.Code == 8, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"{_checkpoint}: {Upgrade} (NewerSchema, exit code 8)", line);
        AssertUntouched();
    }

    [Fact]
    public void Migrate_reports_the_file_and_exits_8()
    {
        var result = Bs.Run(_store.Repo, "migrate");
        Assert.True(result.Code == 8, result.ToString());
        Assert.Contains(_checkpoint, result.Out);
        Assert.DoesNotContain("Every file is at the current schema version", result.Out);
        Assert.Contains(Upgrade, Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var json = Bs.Run(_store.Repo, "migrate", "--json");
        Assert.Equal(8, json.Code);
        Assert.Equal(_checkpoint, Assert.Single(json.Json.GetProperty("newer").EnumerateArray()).GetProperty("file").GetString());
        AssertUntouched();
    }

    [Fact]
    public void Recover_leaves_the_file_in_place_says_so_and_exits_8()
    {
        var result = Bs.Run(_store.Repo, "recover", "--json");
        Assert.True(result.Code == 8, result.ToString());
        var skipped = Assert.Single(result.Json.GetProperty("skipped").EnumerateArray()).GetString();
        Assert.Contains(_checkpoint, skipped);
        Assert.Contains("left as it is", skipped);
        Assert.Empty(result.Json.GetProperty("repaired").EnumerateArray());
        AssertUntouched();
        Assert.Contains("after-build", Bs.Run(_store.Repo, "checkpoints", "App.csproj").Out);
    }

    [Fact]
    public void Validate_reports_it_and_exits_8()
    {
        var result = Bs.Run(_store.Repo, "validate", "--json");
        Assert.True(result.Code == 8, result.ToString());
        var problem = Assert.Single(result.Json.GetProperty("problems").EnumerateArray());
        Assert.Equal("NewerSchema", problem.GetProperty("kind").GetString());
        Assert.Equal(_checkpoint, problem.GetProperty("file").GetString());
        AssertUntouched();
    }
}
