using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A run's automatic checkpoint holds the files the build left: when an output is rewritten after
/// the run recorded it (signed after Build), the refresh at the end of the build takes the run's
/// "built" checkpoint again with the new file, so restoring it gives the signed assembly.
/// </summary>
public class CheckpointRetakeTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    private static string Dll(StoreFixture f) => Path.Combine(f.RepoRoot, "src", "App", "bin", "App.dll");

    /// <summary>A run that builds App.dll with <paramref name="content"/> and completes with an automatic "built" checkpoint.</summary>
    private static void BuildApp(StoreFixture f, string runId, string content, bool copies = false)
    {
        f.Run(Id, runId, "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", content);
        f.WriteFile("src/App/bin/App.pdb", "symbols");
        f.Store.Advance(Id, new AdvanceRequest
        {
            Artifacts = [new ArtifactInput(dll, "assembly"), new ArtifactInput(Path.ChangeExtension(dll, ".pdb"), "symbols")],
            CheckpointName = "built",
            CheckpointCopiesArtifacts = copies,
            Transitions = ["Cleanup", "Complete"],
        });
    }

    /// <summary>What a target after Build does to the output, then the end of the build's second look.</summary>
    private static void SignAndRefresh(StoreFixture f, string runId, string signed, bool automaticCheckpoints = true)
    {
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(Dll(f), signed);
        f.Store.RefreshArtifacts(Id, runId, seen, automaticCheckpoints);
    }

    /// <summary>Run "r1" as an earlier version of the SDK left it: signed after its "built" checkpoint, which holds the unsigned assembly.</summary>
    private static CheckpointRef StaleBuiltCheckpoint(StoreFixture f)
    {
        BuildApp(f, "r1", "assembly");
        File.WriteAllText(Dll(f), "assembly, signed"); // no second look
        return Assert.Single(f.Store.Get(Id).Checkpoints);
    }

    private static string DllHash(CheckpointFile checkpoint) => checkpoint.Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256;

    [Fact]
    public void The_runs_built_checkpoint_is_taken_again_with_the_rewritten_file()
    {
        using var f = new StoreFixture();
        BuildApp(f, "r", "assembly");
        var before = Assert.Single(f.Store.Get(Id).Checkpoints);

        SignAndRefresh(f, "r", "assembly, signed");

        var after = Assert.Single(f.Store.Get(Id).Checkpoints);
        Assert.NotEqual(before.Id, after.Id);
        Assert.Equal(("built", "Complete", true), (after.Name, after.Phase, after.Automatic));
        var file = Assert.Single(f.Store.GetCheckpoints(Id));
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), DllHash(file));
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), file.State.Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256);
        Assert.Equal("Complete", file.State.Phase); // the snapshot of the ended run, its outputs as the build left them
        Assert.False(File.Exists(f.Store.Layout.CheckpointFile(BuildKey.For(Id), before.Id)));
        Assert.EndsWith($"checkpoint {before.Id} (built) taken again with them as {after.Id}", f.Store.GetHistory(Id)[^1].Message, StringComparison.Ordinal);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);

        // Restoring it gives the build its signed output, which validate then finds on disk as recorded.
        f.Store.RestoreCheckpoint(Id, "built");
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), f.Store.Get(Id).Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256);
    }

    [Fact]
    public void Under_dotnet_test_the_before_test_checkpoint_is_taken_again_in_its_phase()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", "assembly");
        f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], CheckpointName = "before-test", Transitions = ["Test"] });
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(dll, "assembly, signed"); // signed after Build, before the tests ran
        f.Store.Advance(Id, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });

        f.Store.RefreshArtifacts(Id, "r", seen);

        var checkpoint = Assert.Single(f.Store.GetCheckpoints(Id));
        Assert.Equal(("before-test", "Build", "Build"), (checkpoint.Name, checkpoint.Phase, checkpoint.State.Phase)); // still the snapshot taken before the tests
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), DllHash(checkpoint));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void With_copies_the_signed_file_is_the_one_put_back()
    {
        using var f = new StoreFixture();
        BuildApp(f, "r", "assembly", copies: true);

        SignAndRefresh(f, "r", "assembly, signed");
        File.WriteAllText(Dll(f), "something else");

        var restored = f.Store.RestoreCheckpoint(Id, "built", restoreArtifacts: true);
        Assert.Contains("src/App/bin/App.dll", restored.Restored);
        Assert.Equal("assembly, signed", File.ReadAllText(Dll(f)));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid); // the copy of the file before signing is gone with its checkpoint
        Assert.Single(Directory.GetFiles(f.Store.Layout.BlobsDir(BuildKey.For(Id))), b => Path.GetFileName(b) == ArtifactHasher.HashBytes("assembly, signed"u8));
        Assert.DoesNotContain(Directory.GetFiles(f.Store.Layout.BlobsDir(BuildKey.For(Id))), b => Path.GetFileName(b) == ArtifactHasher.HashBytes("assembly"u8));
    }

    [Fact]
    public void A_retaken_checkpoint_that_repeats_the_newest_is_dropped()
    {
        using var f = new StoreFixture();
        BuildApp(f, "r1", "assembly");
        SignAndRefresh(f, "r1", "assembly, signed");
        var first = Assert.Single(f.Store.Get(Id).Checkpoints);

        // The next build copies the unsigned assembly again and signs it again, to the same bytes.
        BuildApp(f, "r2", "assembly");
        Assert.Equal(2, f.Store.Get(Id).Checkpoints.Count); // before signing, its files differ from the newest's
        var taken = f.Store.Get(Id).Checkpoints[^1];
        SignAndRefresh(f, "r2", "assembly, signed");

        Assert.Equal(first.Id, Assert.Single(f.Store.Get(Id).Checkpoints).Id);
        Assert.EndsWith($"checkpoint {taken.Id} (built) dropped: with them it holds the same files as checkpoint {first.Id}", f.Store.GetHistory(Id)[^1].Message, StringComparison.Ordinal);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_run_whose_checkpoint_repeated_one_from_before_the_rewrite_takes_one_with_the_signed_file()
    {
        using var f = new StoreFixture();
        var stale = StaleBuiltCheckpoint(f);

        BuildApp(f, "r2", "assembly"); // the unsigned assembly again: its "built" repeats the stale one, not taken
        Assert.Equal(stale.Id, Assert.Single(f.Store.Get(Id).Checkpoints).Id);
        SignAndRefresh(f, "r2", "assembly, signed");

        var checkpoints = f.Store.Get(Id).Checkpoints;
        Assert.Equal(2, checkpoints.Count);
        Assert.Equal((stale.Id, "built", "built", "Complete"), (checkpoints[0].Id, checkpoints[0].Name, checkpoints[1].Name, checkpoints[1].Phase));
        var files = f.Store.GetCheckpoints(Id);
        Assert.Equal(ArtifactHasher.HashBytes("assembly"u8), DllHash(files[0]));
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), DllHash(files[1]));
        Assert.Equal("r2", files[1].State.RunId);
        Assert.EndsWith($"checkpoint {checkpoints[1].Id} (built) taken with them (the run's own was not taken: it repeated checkpoint {stale.Id}, which holds the files before)", f.Store.GetHistory(Id)[^1].Message, StringComparison.Ordinal);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void A_run_without_automatic_checkpoints_takes_none()
    {
        using var f = new StoreFixture();
        var stale = StaleBuiltCheckpoint(f);
        f.Run(Id, "r2", "Setup", "Build");
        f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(f.WriteFile("src/App/bin/App.dll", "assembly"), "assembly")], Transitions = ["Cleanup", "Complete"] });

        SignAndRefresh(f, "r2", "assembly, signed", automaticCheckpoints: false);

        Assert.Equal(stale.Id, Assert.Single(f.Store.Get(Id).Checkpoints).Id);
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), f.Store.Get(Id).Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256);
    }

    [Fact]
    public void A_full_disk_keeps_the_checkpoint_as_it_was_and_still_records_the_signed_file()
    {
        using var f = new StoreFixture();
        BuildApp(f, "r", "assembly");
        var before = Assert.Single(f.Store.Get(Id).Checkpoints);
        var seen = f.Store.Get(Id).Artifacts;
        File.WriteAllText(Dll(f), "assembly, signed");
        var full = f.Reopen(o => o.FileSystem = new NoSpaceForCheckpoints());

        full.RefreshArtifacts(Id, "r", seen);

        var record = f.Reopen().Get(Id);
        Assert.Equal(ArtifactHasher.HashBytes("assembly, signed"u8), record.Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256);
        Assert.Equal(before.Id, Assert.Single(record.Checkpoints).Id);
        Assert.Equal(ArtifactHasher.HashBytes("assembly"u8), DllHash(Assert.Single(f.Store.GetCheckpoints(Id))));
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    /// <summary>Writing a checkpoint file fails as on a full disk (ENOSPC); the state, history and lock files are written.</summary>
    private sealed class NoSpaceForCheckpoints : DelegatingFileSystem
    {
        public override void WriteFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            if (path.Contains($"{Path.DirectorySeparatorChar}checkpoints{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                throw new IOException("No space left on device", 28);
            }

            base.WriteFile(path, data, sync);
        }
    }

    [Fact]
    public void Checkpoints_of_earlier_runs_and_named_ones_stay_as_they_were_taken()
    {
        using var f = new StoreFixture();
        BuildApp(f, "r1", "assembly one");
        var earlier = Assert.Single(f.Store.GetCheckpoints(Id));
        f.Run(Id, "r2", "Setup", "Build");
        var dll = f.WriteFile("src/App/bin/App.dll", "assembly two");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll, "assembly")]);
        var named = f.Store.CreateCheckpoint(Id, "mine");
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");

        SignAndRefresh(f, "r2", "assembly two, signed");

        Assert.Equal([earlier.Id, named.Id], f.Store.Get(Id).Checkpoints.Select(c => c.Id));
        var files = f.Store.GetCheckpoints(Id);
        Assert.Equal(ArtifactHasher.HashBytes("assembly one"u8), DllHash(files[0]));
        Assert.Equal(ArtifactHasher.HashBytes("assembly two"u8), DllHash(files[1]));
    }
}
