using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A checkpoint file the state does not list but whose commit is newer than the state (a commit
/// cut off after the file was written, or a state rolled back to an older record) may be a
/// checkpoint the state lost: recover keeps it, with the artifact copies it lists, in damaged/,
/// rotation never deletes it, and validate warns about it. Older unlisted files are leftovers and go.
/// </summary>
public class UnlistedCheckpointTests
{
    private const string Id = DroppedCheckpointTests.Id;
    private static readonly string Key = DroppedCheckpointTests.Key;

    /// <summary>The build's state and history as they are now; putting them back rolls the build back to this point.</summary>
    private static Action SaveState(StoreFixture f)
    {
        var files = new[] { f.Store.Layout.StateFile(Key), f.Store.Layout.SpareStateFile(Key), f.Store.Layout.HistoryLog(Key) }
            .Where(File.Exists)
            .ToDictionary(p => p, File.ReadAllBytes);
        return () =>
        {
            foreach (var (path, bytes) in files)
            {
                File.WriteAllBytes(path, bytes);
            }
        };
    }

    private static string CheckpointsAside(StoreFixture f) =>
        Assert.Single(Directory.GetDirectories(Path.Combine(f.Store.Layout.DamagedDir, Key)), d => d.EndsWith("checkpoints", StringComparison.Ordinal));

    [Fact]
    public void A_checkpoint_whose_commit_was_cut_off_is_set_aside_with_its_own_copies_not_deleted()
    {
        using var f = new StoreFixture();
        var kept = DroppedCheckpointTests.BuildWithCheckpoint(f, name: "first");
        var rollBack = SaveState(f);
        f.WriteFile("src/App/bin/App.dll", "newer assembly bytes");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(Path.Combine(f.RepoRoot, "src", "App", "bin", "App.dll"), "assembly")]);
        var cutOff = f.Store.CreateCheckpoint(Id, "second", copyArtifacts: true);
        var newDll = f.Store.ReadCheckpoint(Key, cutOff.Id).Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256;
        var blobsBefore = Directory.GetFiles(f.Store.Layout.BlobsDir(Key)).Select(p => Path.GetFileName(p)!).ToHashSet();
        rollBack(); // the commit listing "second" never happened: its file and copies are on disk, the state does not know it

        var validation = new StoreValidator(f.Reopen()).Validate();
        Assert.Contains(validation.Warnings, w => w.File == f.Store.Layout.CheckpointFile(Key, cutOff.Id) && w.Message.Contains("newer than it", StringComparison.Ordinal));

        var report = f.Reopen().Recover();

        var line = Assert.Single(report.Repaired, r => r.Contains(cutOff.Id, StringComparison.Ordinal));
        Assert.Contains("second", line);
        Assert.Empty(report.Lost);
        Assert.Equal(ExitCodes.Success, report.ExitCode);
        var aside = CheckpointsAside(f);
        Assert.Contains(aside, line);
        Assert.Equal(cutOff.Id, Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(aside, "*.json"))));

        // Its new copy moved (nothing that stays needs it); the copy it shares with "first" stays and is also kept aside.
        Assert.Equal("newer assembly bytes", File.ReadAllText(Path.Combine(aside, "blobs", newDll)));
        Assert.False(File.Exists(f.Store.Layout.Blob(Key, newDll)));
        Assert.Equal(blobsBefore.Count - 1, Directory.GetFiles(f.Store.Layout.BlobsDir(Key)).Length);
        Assert.False(File.Exists(f.Store.Layout.CheckpointFile(Key, cutOff.Id)));

        var store = f.Reopen();
        Assert.Equal([kept.Id], store.Get(Id).Checkpoints.Select(c => c.Id));
        var after = new StoreValidator(store).Validate();
        Assert.True(after.IsValid, string.Join("\n", after.Problems.Select(p => $"{p.File}: {p.Message}")));
        Assert.Empty(after.Warnings);
        File.Delete(Path.Combine(f.RepoRoot, "src", "App", "bin", "App.pdb"));
        Assert.Contains("src/App/bin/App.pdb", store.RestoreCheckpoint(Id, "first", restoreArtifacts: true).Restored);

        var again = f.Reopen().Recover();
        Assert.DoesNotContain(again.Repaired, r => r.Contains("checkpoint", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Success, again.ExitCode);
    }

    [Fact]
    public void Rotation_never_deletes_a_checkpoint_file_newer_than_the_state_but_deletes_older_leftovers()
    {
        using var f = new StoreFixture(maxCheckpoints: 1);
        DroppedCheckpointTests.BuildWithCheckpoint(f, name: "first");
        var rollBack = SaveState(f);
        var dll = f.WriteFile("src/App/bin/App.dll", "second's assembly bytes");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll, "assembly")]); // one more lost commit: the state will be two behind "second"
        var lost = f.Store.CreateCheckpoint(Id, "second", copyArtifacts: true);
        var onlyItsCopy = f.Store.ReadCheckpoint(Key, lost.Id).Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256;
        rollBack();
        f.WriteFile("src/App/bin/App.dll", "assembly bytes"); // as the rolled-back state has it: "third" does not copy second's bytes

        // A leftover older than the state: a checkpoint whose commit never happened, whose sequence a later commit took.
        var leftover = f.Store.Layout.CheckpointFile(Key, "20200101T000000000-000001");
        File.Copy(f.Store.Layout.CheckpointFile(Key, lost.Id), leftover);

        var store = f.Reopen();
        var third = store.CreateCheckpoint(Id, "third", copyArtifacts: true); // rotates "first" out

        Assert.Equal([third.Id], store.Get(Id).Checkpoints.Select(c => c.Id));
        Assert.True(File.Exists(store.Layout.CheckpointFile(Key, lost.Id)));
        Assert.False(File.Exists(leftover));
        Assert.DoesNotContain(onlyItsCopy, store.ReadCheckpoint(Key, third.Id).Artifacts.Select(a => a.Sha256));
        Assert.True(File.Exists(store.Layout.Blob(Key, onlyItsCopy)), "the copy only the unlisted checkpoint lists was deleted");

        Assert.Contains(f.Reopen().Recover().Repaired, r => r.Contains(lost.Id, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(CheckpointsAside(f), lost.Id + ".json")));
    }

    [Theory]
    [InlineData("20261207T012536123-000042", 42L)]
    [InlineData("20261207T012536123-1", 1L)]
    [InlineData("before-release", null)]
    [InlineData("nodash", null)]
    [InlineData("-5", null)]
    public void A_checkpoint_ids_sequence_is_the_number_after_its_last_dash(string id, long? sequence) =>
        Assert.Equal(sequence, BuildStore.CheckpointSequence(id));
}
