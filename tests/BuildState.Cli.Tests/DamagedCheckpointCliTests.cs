using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>
/// A damaged checkpoint from the command line: validate names it even when the build's state file is
/// gone too, and recover reports it lost (exit 3) and keeps its artifact copies in damaged/.
/// </summary>
public sealed class DamagedCheckpointCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private string Key => BuildKey.For(TestStore.App);

    /// <summary>App's checkpoint "after-build" (with a copy of App.dll): its file cut to 100 bytes.</summary>
    private string TruncateTheCheckpoint()
    {
        var checkpoint = _store.Store.Get(TestStore.App).Checkpoints.Single();
        var file = _store.Store.Layout.CheckpointFile(Key, checkpoint.Id);
        using var stream = new FileStream(file, FileMode.Open);
        stream.SetLength(100);
        return file;
    }

    [Fact]
    public void Restoring_a_damaged_checkpoint_or_copy_exits_3_saying_to_take_another_or_recover()
    {
        var blob = Assert.Single(Directory.GetFiles(_store.Store.Layout.BlobsDir(Key)));
        File.WriteAllText(blob, "damaged");
        File.Delete(_store.ArtifactPath("src/App/bin/App.dll"));
        var advice = $"; restore another checkpoint (`buildstate checkpoints \"{TestStore.App}\"` lists them), or run `buildstate recover`, which drops the damaged one (its files kept in damaged/) (Corruption, exit code 3)";

        var copy = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build", "--artifacts");
        Assert.True(copy.Code == 3, copy.ToString());
        Assert.StartsWith($"{blob}: the stored copy of", copy.Err, StringComparison.Ordinal);
        Assert.EndsWith(advice, copy.Err.TrimEnd(), StringComparison.Ordinal);

        var file = TruncateTheCheckpoint();
        var checkpoint = Bs.Run(_store.Repo, "restore", "App.csproj", "after-build");
        Assert.True(checkpoint.Code == 3, checkpoint.ToString());
        Assert.StartsWith($"{file}: ", checkpoint.Err, StringComparison.Ordinal);
        Assert.EndsWith(advice, checkpoint.Err.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Recover_reports_a_truncated_checkpoint_as_lost_with_exit_3_and_keeps_its_copies()
    {
        TruncateTheCheckpoint();
        var blob = Assert.Single(Directory.GetFiles(_store.Store.Layout.BlobsDir(Key)));
        var bytes = File.ReadAllBytes(blob);

        var result = Bs.Run(_store.Repo, "recover", "--json");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Equal(3, result.Json.GetProperty("exitCode").GetInt32());
        var lost = Assert.Single(result.Json.GetProperty("lost").EnumerateArray()).GetString()!;
        Assert.Contains("after-build", lost);
        Assert.DoesNotContain(result.Json.GetProperty("repaired").EnumerateArray(), r => r.GetString()!.Contains("after-build", StringComparison.Ordinal));
        var kept = Directory.GetFiles(_store.Store.Layout.DamagedDir, Path.GetFileName(blob), SearchOption.AllDirectories);
        Assert.Equal(bytes, File.ReadAllBytes(Assert.Single(kept)));
        Assert.Equal(0, Bs.Run(_store.Repo, "validate").Code);
        Assert.Equal(0, Bs.Run(_store.Repo, "recover").Code);
    }

    [Fact]
    public void With_the_state_file_gone_too_validate_names_the_checkpoint_and_recover_reports_it_lost()
    {
        var checkpointFile = TruncateTheCheckpoint();
        File.Delete(_store.StateFile(TestStore.App));

        var validate = Bs.Run(_store.Repo, "validate", "--json");

        Assert.True(validate.Code == 3, validate.ToString());
        var files = validate.Json.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("file").GetString()).ToList();
        Assert.Contains(_store.StateFile(TestStore.App), files);
        Assert.Contains(checkpointFile, files);

        var recover = Bs.Run(_store.Repo, "recover");

        Assert.True(recover.Code == 3, recover.ToString());
        Assert.Contains("restored the state from history record", recover.Out);
        Assert.Single(recover.Out.Split('\n'), l => l.StartsWith("lost", StringComparison.Ordinal) && l.Contains("after-build", StringComparison.Ordinal));
        Assert.Equal(0, Bs.Run(_store.Repo, "validate").Code);
    }
}
