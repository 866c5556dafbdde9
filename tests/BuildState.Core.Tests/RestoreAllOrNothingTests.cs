using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// `RestoreCheckpoint(..., restoreArtifacts: true)` is all or nothing: every copy is verified and
/// every file staged before any file of the work tree is replaced, and the state is restored only
/// with them.
/// </summary>
public class RestoreAllOrNothingTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    /// <summary>Three artifacts (written back in this order), a checkpoint "cp" with copies, then the run goes on to Cleanup.</summary>
    private static string[] BuildThreeAndCheckpoint(StoreFixture f, string third = "src/App/bin/c.dll")
    {
        f.Run(Id, "r", "Setup", "Build");
        string[] files = [f.WriteFile("src/App/bin/a.dll", "a1"), f.WriteFile("src/App/bin/b.dll", "b1"), f.WriteFile(third, "c1")];
        f.Store.RecordArtifacts(Id, files.Select(p => new ArtifactInput(p)));
        f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        f.Store.Transition(Id, "Cleanup");
        return files;
    }

    private static void AssertNothingRestored(StoreFixture f, string[] files, long sequence)
    {
        Assert.False(File.Exists(files[0]));
        Assert.Equal("b2, altered", File.ReadAllText(files[1]));
        Assert.Empty(Directory.GetFiles(f.RepoRoot, "*.restore-*", SearchOption.AllDirectories)); // no staged copy left behind
        var record = f.Store.Get(Id);
        Assert.Equal(sequence, record.Sequence);
        Assert.Equal("Cleanup", record.Phase);
        Assert.DoesNotContain(f.Store.GetHistory(Id), h => h.Kind == HistoryKinds.Restore);
    }

    [Fact]
    public void One_damaged_copy_refuses_the_restore_before_any_file_is_written()
    {
        using var f = new StoreFixture();
        var files = BuildThreeAndCheckpoint(f);
        File.Delete(files[0]);
        File.WriteAllText(files[1], "b2, altered");
        File.Delete(files[2]);
        var blob = f.Store.Layout.Blob(BuildKey.For(Id), ArtifactHasher.HashBytes("c1"u8)); // the last one written back
        File.WriteAllText(blob, "overwritten");
        var sequence = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));

        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(blob, e.FilePath);
        Assert.Contains("does not match its SHA-256", e.Message);
        AssertNothingRestored(f, files, sequence);
    }

    [Fact]
    public void A_missing_copy_is_corruption_naming_the_blob_and_nothing_is_written()
    {
        using var f = new StoreFixture();
        var files = BuildThreeAndCheckpoint(f);
        File.Delete(files[0]);
        File.WriteAllText(files[1], "b2, altered");
        File.Delete(files[2]);
        var blob = f.Store.Layout.Blob(BuildKey.For(Id), ArtifactHasher.HashBytes("c1"u8));
        File.Delete(blob);
        var sequence = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));

        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(blob, e.FilePath);
        Assert.Contains("is missing", e.Message);
        AssertNothingRestored(f, files, sequence);
    }

    [Fact]
    public void A_file_that_cannot_be_staged_leaves_every_target_as_it_was()
    {
        using var f = new StoreFixture();
        var files = BuildThreeAndCheckpoint(f, third: "src/App/bin/sub/c.dll");
        File.Delete(files[0]);
        File.WriteAllText(files[1], "b2, altered");
        // The third goes back into a folder that is now a file: its copy is fine, writing it fails.
        Directory.Delete(Path.GetDirectoryName(files[2])!, recursive: true);
        File.WriteAllText(Path.GetDirectoryName(files[2])!, "a file where the folder was");
        var sequence = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));

        Assert.Equal(files[2], e.FilePath);
        AssertNothingRestored(f, files, sequence);
    }

    [Fact]
    public void A_restore_that_succeeds_writes_every_file_and_the_state_together()
    {
        using var f = new StoreFixture();
        var files = BuildThreeAndCheckpoint(f);
        File.Delete(files[0]);
        File.WriteAllText(files[1], "b2, altered");

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        Assert.Equal(["src/App/bin/a.dll", "src/App/bin/b.dll"], result.Restored);
        Assert.Equal(["src/App/bin/c.dll"], result.Unchanged);
        Assert.Equal(["a1", "b1", "c1"], files.Select(File.ReadAllText));
        Assert.Empty(Directory.GetFiles(f.RepoRoot, "*.restore-*", SearchOption.AllDirectories));
        Assert.Equal("Build", f.Store.Get(Id).Phase);
    }
}
