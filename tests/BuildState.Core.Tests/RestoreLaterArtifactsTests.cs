using BuildState.Core.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// Files recorded after a checkpoint was taken (the SDK's <c>built</c> is taken before Pack and
/// Publish): a restore does not forget their records quietly, and verify's advice only promises
/// what a checkpoint can bring back. Files outside the repository are never written back, and are
/// not corruption either.
/// </summary>
public class RestoreLaterArtifactsTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    /// <summary>A run that builds App.dll, takes "built" with copies, then publishes two files.</summary>
    private static (string Dll, string Exe, string Json) BuildThenPublish(StoreFixture f)
    {
        f.Run(Id, "r", "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", "assembly");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll, "assembly")]);
        f.Store.CreateCheckpoint(Id, "built", copyArtifacts: true, automatic: true);
        var exe = f.WriteFile("publish/App", "apphost");
        var json = f.WriteFile("publish/App.deps.json", "{}");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(exe, "publish"), new ArtifactInput(json, "publish")]);
        return (dll, exe, json);
    }

    [Fact]
    public void Restore_keeps_the_same_runs_later_records_whose_files_are_unchanged_and_reports_the_dropped_ones()
    {
        using var f = new StoreFixture();
        var (dll, _, json) = BuildThenPublish(f);
        File.Delete(dll);
        File.Delete(json);

        var result = f.Store.RestoreCheckpoint(Id, "built", restoreArtifacts: true);

        Assert.Equal(["src/App/bin/App.dll"], result.Restored);
        Assert.Equal(["publish/App"], result.Kept);
        Assert.Equal(["publish/App.deps.json"], result.Dropped);
        Assert.Equal(["src/App/bin/App.dll", "publish/App"], f.Store.Get(Id).Artifacts.Select(a => a.Path));
    }

    [Fact]
    public void Restoring_an_earlier_runs_checkpoint_keeps_no_record_of_the_later_run()
    {
        using var f = new StoreFixture();
        BuildThenPublish(f);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        f.Run(Id, "r2", "Setup", "Build");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(f.WriteFile("src/App/bin/Extra.dll", "x"))]);

        var result = f.Store.RestoreCheckpoint(Id, "built");

        Assert.Empty(result.Kept);
        Assert.Contains("src/App/bin/Extra.dll", result.Dropped);
        Assert.DoesNotContain(f.Store.Get(Id).Artifacts, a => a.Path == "src/App/bin/Extra.dll");
    }

    [Fact]
    public void Advice_names_only_what_a_checkpoint_holds()
    {
        using var f = new StoreFixture();
        var (dll, exe, json) = BuildThenPublish(f);
        File.Delete(exe);
        File.Delete(json);
        var state = f.Store.Get(Id);
        var wanted = state.Artifacts.Where(a => a.Path.StartsWith("publish/", StringComparison.Ordinal)).ToList();

        var advice = f.Store.AdviseArtifactRestore(Id, wanted);
        Assert.True(advice.AnyCheckpointHasCopies);
        Assert.Null(advice.Checkpoint); // "built" holds no published file
        Assert.Equal(["publish/App", "publish/App.deps.json"], advice.NotHeld);

        File.Delete(dll);
        advice = f.Store.AdviseArtifactRestore(Id, [.. state.Artifacts]);
        Assert.Equal("built", advice.Checkpoint?.Name);
        Assert.Equal(["src/App/bin/App.dll"], advice.Restorable);
        Assert.Equal(["publish/App", "publish/App.deps.json"], advice.NotHeld);

        // A checkpoint taken after the publish holds them all: the newest that does is the one named.
        File.WriteAllText(dll, "assembly");
        File.WriteAllText(exe, "apphost");
        File.WriteAllText(json, "{}");
        var published = f.Store.CreateCheckpoint(Id, "published", copyArtifacts: true);
        f.Store.CreateCheckpoint(Id, "no-copies", copyArtifacts: false);
        advice = f.Store.AdviseArtifactRestore(Id, [.. state.Artifacts]);
        Assert.Equal(published.Id, advice.Checkpoint?.Id);
        Assert.Equal(3, advice.Restorable.Count);
        Assert.Empty(advice.NotHeld);
    }

    [Fact]
    public void A_checkpoint_with_a_file_outside_the_repository_restores_the_files_inside_and_lists_the_outside_one()
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        f.Run(Id, "r", "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", "assembly");
        var outside = elsewhere.Combine("App");
        File.WriteAllText(outside, "published elsewhere");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll), new ArtifactInput(outside)]);
        f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        File.Delete(dll);
        File.Delete(outside);

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        Assert.Equal(["src/App/bin/App.dll"], result.Restored);
        Assert.Equal("assembly", File.ReadAllText(dll));
        Assert.False(File.Exists(outside));
        var notRestored = Assert.Single(result.NotRestored);
        Assert.Equal(outside.Replace('\\', '/'), notRestored.Path);
        Assert.Equal(f.Store.Layout.Blob(BuildKey.For(Id), ArtifactHasher.HashBytes("published elsewhere"u8)), notRestored.Blob);
        Assert.Equal("published elsewhere", File.ReadAllText(notRestored.Blob));

        // Verify's advice says the same: the file inside from the checkpoint, the one outside by hand.
        var advice = f.Store.AdviseArtifactRestore(Id, [.. f.Store.Get(Id).Artifacts.Where(a => a.Path != "src/App/bin/App.dll")]);
        Assert.Null(advice.Checkpoint);
        Assert.Equal(notRestored, Assert.Single(advice.OutsideWithCopies));

        // Put back by hand, it is unchanged for the next restore.
        File.Copy(notRestored.Blob, outside);
        Assert.Contains(outside.Replace('\\', '/'), f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true).Unchanged);
    }
}
