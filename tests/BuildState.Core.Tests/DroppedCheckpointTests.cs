using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A checkpoint recover has to drop (its file damaged or gone, a copy missing or altered) is lost
/// data, reported as lost (exit 3), never as a repair; and the artifact copies it may have needed
/// are never deleted: they are the only intact copies of those files, so they are set aside in
/// damaged/ beside the checkpoint's file.
/// </summary>
public class DroppedCheckpointTests
{
    internal const string Id = "src/App/App.csproj|Release|net10.0";
    internal static readonly string Key = BuildKey.For(Id);

    /// <summary>A finished build whose Build phase took the named checkpoint "before-release" with copies of two artifacts.</summary>
    internal static CheckpointRef BuildWithCheckpoint(StoreFixture f, string dllContent = "assembly bytes", string name = "before-release")
    {
        f.Run(Id, "r1", "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", dllContent);
        var pdb = f.WriteFile("src/App/bin/App.pdb", "symbols");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll, "assembly"), new ArtifactInput(pdb, "symbols")]);
        var checkpoint = f.Store.CreateCheckpoint(Id, name, copyArtifacts: true);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        return checkpoint;
    }

    /// <summary>Every blob of the build, by name, with its bytes.</summary>
    private static Dictionary<string, byte[]> Blobs(StoreFixture f) =>
        Directory.GetFiles(f.Store.Layout.BlobsDir(Key)).ToDictionary(p => Path.GetFileName(p)!, File.ReadAllBytes);

    internal static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.SetLength(length);
    }

    /// <summary>The folder recover set the dropped checkpoint aside in: the one damaged/ folder holding a blobs/ folder.</summary>
    private static string AsideFolder(StoreFixture f) =>
        Assert.Single(Directory.GetDirectories(Path.Combine(f.Store.Layout.DamagedDir, Key), "*", SearchOption.AllDirectories), d => Path.GetFileName(d) != "blobs");

    [Fact]
    public void A_truncated_checkpoint_is_lost_not_repaired_and_its_copies_are_set_aside_not_deleted()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var blobs = Blobs(f);
        Assert.Equal(2, blobs.Count);
        Truncate(f.Store.Layout.CheckpointFile(Key, checkpoint.Id), 100);

        var report = f.Reopen().Recover();

        var lost = Assert.Single(report.Lost);
        Assert.Contains(checkpoint.Id, lost);
        Assert.Contains("before-release", lost);
        Assert.DoesNotContain(report.Repaired, r => r.Contains(checkpoint.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(report.Repaired, r => r.Contains("no checkpoint refers to", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);

        // The damaged file and both verified copies are in one folder of damaged/, which the lost line names.
        var aside = AsideFolder(f);
        Assert.Contains(aside, lost);
        Assert.Equal(100, new FileInfo(Path.Combine(aside, checkpoint.Id + ".json")).Length);
        foreach (var (sha, bytes) in blobs)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(aside, "blobs", sha)));
        }

        Assert.Empty(f.Reopen().Get(Id).Checkpoints);
        Assert.False(File.Exists(f.Store.Layout.CheckpointFile(Key, checkpoint.Id)));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);

        // Nothing is left to do: a second recover neither loses nor repairs anything, and the set-aside copies stay.
        var again = f.Reopen().Recover();
        Assert.Empty(again.Lost);
        Assert.Equal(ExitCodes.Success, again.ExitCode);
        Assert.Equal(blobs.Count, Directory.GetFiles(Path.Combine(aside, "blobs")).Length);
    }

    [Fact]
    public void Copies_a_kept_checkpoint_shares_stay_in_the_store_and_are_also_set_aside_with_the_dropped_one()
    {
        using var f = new StoreFixture();
        var kept = BuildWithCheckpoint(f, name: "first");
        var dropped = f.Store.CreateCheckpoint(Id, "second", copyArtifacts: true); // the same files: the same blobs
        var blobs = Blobs(f);
        Truncate(f.Store.Layout.CheckpointFile(Key, dropped.Id), 100);

        var report = f.Reopen().Recover();

        Assert.Contains(dropped.Id, Assert.Single(report.Lost));
        Assert.Equal([kept.Id], f.Reopen().Get(Id).Checkpoints.Select(c => c.Id));
        Assert.Equal(blobs.Keys.Order(), Blobs(f).Keys.Order()); // the kept checkpoint still restores
        var aside = AsideFolder(f);
        Assert.Equal(blobs.Keys.Order(), Directory.GetFiles(Path.Combine(aside, "blobs")).Select(p => Path.GetFileName(p)!).Order());

        File.Delete(Path.Combine(f.RepoRoot, "src", "App", "bin", "App.dll"));
        Assert.Contains("src/App/bin/App.dll", f.Reopen().RestoreCheckpoint(Id, "first", restoreArtifacts: true).Restored);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_checkpoint_with_an_altered_copy_is_lost_and_its_intact_copy_is_set_aside_under_its_hash()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var file = f.Store.ReadCheckpoint(Key, checkpoint.Id);
        var dll = file.Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal));
        var pdb = file.Artifacts.Single(a => a.Path.EndsWith(".pdb", StringComparison.Ordinal));
        var pdbBytes = File.ReadAllBytes(f.Store.Layout.Blob(Key, pdb.Sha256));
        File.WriteAllText(f.Store.Layout.Blob(Key, dll.Sha256), "altered");

        var report = f.Reopen().Recover();

        var lost = Assert.Single(report.Lost);
        Assert.Contains("does not match its SHA-256", lost);
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);
        var blobs = Path.Combine(AsideFolder(f), "blobs");
        Assert.Equal(pdbBytes, File.ReadAllBytes(Path.Combine(blobs, pdb.Sha256)));
        Assert.False(File.Exists(Path.Combine(blobs, dll.Sha256))); // never under a hash its bytes do not have
        Assert.Equal("altered", File.ReadAllText(Path.Combine(blobs, dll.Sha256 + ".altered")));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_checkpoint_whose_file_is_gone_is_lost_and_every_copy_no_kept_checkpoint_needs_is_set_aside()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var blobs = Blobs(f);
        File.Delete(f.Store.Layout.CheckpointFile(Key, checkpoint.Id));

        var report = f.Reopen().Recover();

        Assert.Contains(checkpoint.Id, Assert.Single(report.Lost));
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);
        Assert.Equal(blobs.Count, Directory.GetFiles(Path.Combine(AsideFolder(f), "blobs")).Length);
    }

    [Fact]
    public void A_checkpoint_whose_artifact_list_was_edited_is_dropped_as_lost_so_validate_and_recover_agree()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var file = f.Store.Layout.CheckpointFile(Key, checkpoint.Id);
        File.WriteAllText(file, File.ReadAllText(file).Replace("src/App/bin/App.pdb", "../../outside.pdb", StringComparison.Ordinal)); // readable, but not the list the state's digest names
        Assert.Contains(new StoreValidator(f.Reopen()).Validate().Problems, p => p.File == file && p.Message.Contains("digest", StringComparison.Ordinal));

        var report = f.Reopen().Recover();

        Assert.Contains(checkpoint.Id, Assert.Single(report.Lost));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid); // validate said recover would drop it, and it did
    }
}
