using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// What restore refuses before it writes anything: a checkpoint whose artifact list is not the one
/// the build lists; artifact paths outside the repository root are never written (listed as not restored).
/// </summary>
public class RestoreRefusalTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    /// <summary>A build with two artifacts and a checkpoint "cp" holding copies of both; returns the checkpoint's file.</summary>
    private static string BuildWithCopies(StoreFixture f, params string[] extraFiles)
    {
        f.Run(Id, "r", "Setup", "Build");
        var files = new List<string> { f.WriteFile("src/App/bin/App.dll", "assembly"), f.WriteFile("src/App/bin/App.pdb", "symbols") };
        files.AddRange(extraFiles);
        f.Store.RecordArtifacts(Id, files.Select(p => new ArtifactInput(p)));
        var checkpoint = f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        return f.Store.Layout.CheckpointFile(BuildKey.For(Id), checkpoint.Id);
    }

    private static void EditCheckpoint(string path, string from, string to) =>
        File.WriteAllText(path, File.ReadAllText(path).Replace($"\"{from}\"", $"\"{to}\"", StringComparison.Ordinal));

    /// <summary>Lists the checkpoint's artifact list as it is now in the build's state (what a tool that rewrites both files consistently would leave).</summary>
    private static void ListDigestOfEditedCheckpoint(StoreFixture f, string checkpointFile)
    {
        var file = BuildState.Serialization.StoreJson.DeserializeCheckpoint(File.ReadAllBytes(checkpointFile), checkpointFile);
        f.Store.Mutate(Id, "test: list the edited digest", record =>
        {
            record!.Checkpoints.Single().ArtifactsSha256 = BuildStore.ManifestDigest(file.Artifacts, file.HasArtifactCopies);
            return new BuildStore.Change(record, new HistoryEntry { Kind = HistoryKinds.Update, Message = "digest edited by a test" }, DurableNow: true);
        });
    }

    [Fact]
    public void A_checkpoint_whose_artifact_list_was_edited_is_corrupt_and_nothing_is_written()
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        var checkpointFile = BuildWithCopies(f);
        var outside = elsewhere.Combine("planted.txt");
        EditCheckpoint(checkpointFile, "src/App/bin/App.pdb", Path.GetRelativePath(f.RepoRoot, outside).Replace('\\', '/'));
        File.Delete(f.Store.ToFullPath("src/App/bin/App.dll"));
        var before = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));

        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(ExitCodes.Corruption, e.ExitCode);
        Assert.Equal(checkpointFile, e.FilePath);
        Assert.Contains("does not match the digest the build lists", e.Message);
        Assert.False(File.Exists(outside));
        Assert.False(File.Exists(f.Store.ToFullPath("src/App/bin/App.dll"))); // not even the files inside the repository
        Assert.Equal(before, f.Store.Get(Id).Sequence);

        // The state alone is refused too: the checkpoint is not the one the build lists.
        Assert.Equal(StoreErrorKind.Corruption, Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp")).Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_listed_artifact_path_that_leaves_the_repository_is_never_written(bool absolute)
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        var checkpointFile = BuildWithCopies(f);
        var outside = elsewhere.Combine("planted.txt");
        EditCheckpoint(checkpointFile, "src/App/bin/App.pdb", absolute ? outside : Path.GetRelativePath(f.RepoRoot, outside).Replace('\\', '/'));
        ListDigestOfEditedCheckpoint(f, checkpointFile); // consistent: only the path check stands between the file and the write
        File.Delete(f.Store.ToFullPath("src/App/bin/App.dll"));

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        // Not corruption (the store is consistent): the file outside is listed as not restored, never written.
        Assert.Single(result.NotRestored);
        Assert.False(File.Exists(outside));
        Assert.Equal(["src/App/bin/App.dll"], result.Restored);
    }

    [Fact]
    public void An_artifact_recorded_outside_the_repository_is_not_written_back_either()
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        var outside = elsewhere.Combine("shared.dll");
        File.WriteAllText(outside, "built outside");
        BuildWithCopies(f, outside);
        Assert.Contains(f.Store.Get(Id).Artifacts, a => a.Path == outside.Replace('\\', '/')); // stored absolute, as documented
        File.Delete(outside);

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);
        Assert.Equal(outside.Replace('\\', '/'), Assert.Single(result.NotRestored).Path);
        Assert.False(File.Exists(outside));
        Assert.Equal("Build", f.Store.RestoreCheckpoint(Id, "cp").Phase); // the state alone writes no file: restored
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_folder_that_links_out_of_the_repository_takes_no_write_there(bool linkToOutside)
    {
        // The path is inside the repository as written, but its bin folder is a symbolic link (one
        // a cloned repository may hold): restore follows the path as the system would, and writes
        // only when that stays inside the root.
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        var target = linkToOutside ? elsewhere.Path : Directory.CreateDirectory(Path.Combine(f.RepoRoot, "src", "App", "real-bin")).FullName;
        Directory.CreateDirectory(Path.Combine(f.RepoRoot, "src", "App"));
        Directory.CreateSymbolicLink(Path.Combine(f.RepoRoot, "src", "App", "bin"), target);
        BuildWithCopies(f);
        File.Delete(Path.Combine(target, "App.dll"));
        File.WriteAllText(Path.Combine(target, "App.pdb"), "altered");

        var advice = f.Store.AdviseArtifactRestore(Id, f.Store.Get(Id).Artifacts);
        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        if (linkToOutside)
        {
            Assert.Equal(["src/App/bin/App.dll", "src/App/bin/App.pdb"], result.NotRestored.Select(n => n.Path).Order());
            Assert.Empty(result.Restored);
            Assert.False(File.Exists(Path.Combine(target, "App.dll")));
            Assert.Equal("altered", File.ReadAllText(Path.Combine(target, "App.pdb")));
            Assert.Equal(2, advice.OutsideWithCopies.Count);
        }
        else
        {
            Assert.Empty(result.NotRestored);
            Assert.Equal(["src/App/bin/App.dll", "src/App/bin/App.pdb"], result.Restored.Order());
            Assert.Equal("assembly", File.ReadAllText(Path.Combine(target, "App.dll")));
            Assert.Empty(advice.OutsideWithCopies);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // by path, as on systems without a folder descriptor: checked again as the folder is opened
    public void A_folder_swapped_for_a_link_out_of_the_repository_after_the_check_takes_no_write_there(bool throughDescriptor)
    {
        // The race the check alone would lose: bin/ is a real folder when restore looks, and a link
        // to elsewhere by the time it writes. The write goes through the folder as it is opened then.
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        f.Store.WriteBackThroughDescriptor = throughDescriptor;
        BuildWithCopies(f);
        var bin = Path.Combine(f.RepoRoot, "src", "App", "bin");
        File.Delete(Path.Combine(bin, "App.dll"));
        f.Store.BeforeWriteBackTestHook = folder =>
        {
            Assert.Equal(bin, folder);
            Directory.Move(bin, bin + "-was");
            Directory.CreateSymbolicLink(bin, elsewhere.Path);
        };
        var before = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));

        Assert.Equal(StoreErrorKind.Validation, e.Kind);
        Assert.Contains("leads out of the repository now", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere.Path)); // no file, not even a temporary one
        Assert.Equal(before, f.Store.Get(Id).Sequence); // nothing restored
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_folder_swapped_for_a_link_inside_the_repository_is_written_through(bool throughDescriptor)
    {
        using var f = new StoreFixture();
        f.Store.WriteBackThroughDescriptor = throughDescriptor;
        BuildWithCopies(f);
        var bin = Path.Combine(f.RepoRoot, "src", "App", "bin");
        File.Delete(Path.Combine(bin, "App.dll"));
        var real = Path.Combine(f.RepoRoot, "src", "App", "real-bin");
        f.Store.BeforeWriteBackTestHook = _ =>
        {
            Directory.Move(bin, real);
            Directory.CreateSymbolicLink(bin, real);
        };

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        Assert.Equal(["src/App/bin/App.dll"], result.Restored);
        Assert.Equal("assembly", File.ReadAllText(Path.Combine(real, "App.dll")));
        Assert.Equal(["App.dll", "App.pdb"], Directory.GetFiles(real).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_hash_that_is_not_a_sha256_never_names_a_file_to_read()
    {
        using var f = new StoreFixture();
        var checkpointFile = BuildWithCopies(f);
        var sha = ArtifactHasher.HashBytes("symbols"u8);
        EditCheckpoint(checkpointFile, sha, "../../../../state");
        ListDigestOfEditedCheckpoint(f, checkpointFile);

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(checkpointFile, e.FilePath);
        Assert.Contains("not a SHA-256", e.Message);
    }
}
