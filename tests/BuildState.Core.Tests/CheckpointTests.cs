using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

public class CheckpointTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    private static string Artifact(StoreFixture f, string name, string content) => f.WriteFile($"src/App/bin/{name}", content);

    [Fact]
    public void Artifacts_are_recorded_relative_to_the_repository_with_size_and_sha256()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "hello");
        var record = f.Store.RecordArtifacts(Id, [new ArtifactInput(dll, "assembly")]);
        var artifact = Assert.Single(record.Artifacts);
        Assert.Equal("src/App/bin/App.dll", artifact.Path);
        Assert.Equal(5, artifact.Size);
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", artifact.Sha256);
        Assert.Equal("assembly", artifact.Kind);
    }

    [Fact]
    public void A_missing_artifact_is_not_found()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        var e = Assert.Throws<BuildStateException>(() => f.Store.RecordArtifacts(Id, [new ArtifactInput("src/none.dll")]));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void A_checkpoint_with_copies_restores_deleted_and_altered_files_and_verifies_them()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "assembly bytes");
        var pdb = Artifact(f, "App.pdb", "symbols");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll), new ArtifactInput(pdb)]);
        var checkpoint = f.Store.CreateCheckpoint(Id, "built", copyArtifacts: true);
        f.Store.Transition(Id, "Cleanup");

        File.Delete(dll);
        File.WriteAllText(pdb, "tampered");
        var result = f.Store.RestoreCheckpoint(Id, "built", restoreArtifacts: true);

        Assert.Equal(checkpoint.Id, result.CheckpointId);
        Assert.Equal(["src/App/bin/App.dll", "src/App/bin/App.pdb"], result.Restored.Order());
        Assert.Equal("assembly bytes", File.ReadAllText(dll));
        Assert.Equal("symbols", File.ReadAllText(pdb));
        var record = f.Store.Get(Id);
        Assert.Equal("Build", record.Phase);
        Assert.Contains(f.Store.GetHistory(Id), h => h.Kind == HistoryKinds.Restore);
        Assert.NotEmpty(f.Store.BackupFiles(BuildKey.For(Id))); // the pre-restore state was backed up
    }

    [Fact]
    public void A_restore_that_continues_the_run_keeps_it_running_from_the_restored_phase()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r1", "Setup", "Build");
        f.Store.CreateCheckpoint(Id, "built");
        f.Store.Transition(Id, "Cleanup");

        var result = f.Store.RestoreCheckpoint(Id, "built", restoreArtifacts: false, continueRunId: "r1");
        Assert.Equal("Build", result.Phase);
        var record = f.Store.Get(Id);
        Assert.Equal(RunStatus.Running, record.Status);
        Assert.Null(record.Run!.EndedAt);
        Assert.Equal("r1", record.RunId);

        f.Store.Transition(Id, "Cleanup"); // the run goes on from Build
        f.Store.Transition(Id, "Complete");
        Assert.Equal(RunStatus.Succeeded, f.Store.Get(Id).Status);

        // Without it, the snapshot's run is not running now: Interrupted, as before.
        f.Store.StartRun(Id, new StartRunRequest { RunId = "r2" });
        f.Store.Transition(Id, "Setup");
        f.Store.Transition(Id, "Build");
        f.Store.CreateCheckpoint(Id, "again");
        f.Store.RestoreCheckpoint(Id, "again");
        Assert.Equal(RunStatus.Interrupted, f.Store.Get(Id).Status);
    }

    [Fact]
    public void Identical_content_is_stored_once_and_rotation_removes_unneeded_copies()
    {
        using var f = new StoreFixture(maxCheckpoints: 2);
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "v1");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        f.Store.CreateCheckpoint(Id, "a", copyArtifacts: true);
        f.Store.CreateCheckpoint(Id, "b", copyArtifacts: true);
        var blobs = Directory.GetFiles(f.Store.Layout.BlobsDir(BuildKey.For(Id)));
        Assert.Single(blobs);

        File.WriteAllText(dll, "v2");
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddMinutes(1));
        f.Store.CreateCheckpoint(Id, "c", copyArtifacts: true);
        f.Store.CreateCheckpoint(Id, "d", copyArtifacts: true);

        var record = f.Store.Get(Id);
        Assert.Equal(["c", "d"], record.Checkpoints.Select(c => c.Name));
        Assert.Single(Directory.GetFiles(f.Store.Layout.BlobsDir(BuildKey.For(Id)))); // v1's copy went with a and b
        Assert.Equal(2, Directory.GetFiles(f.Store.Layout.CheckpointsDir(BuildKey.For(Id)), "*.json").Length);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void Unchanged_files_are_not_hashed_again_and_a_rewrite_that_sets_the_write_time_back_is()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "v1");
        var stamp = DateTime.UtcNow.AddHours(-1); // written an hour ago (a copy that kept its source's time)
        File.SetLastWriteTimeUtc(dll, stamp);
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        var hashed = ArtifactHasher.FilesHashedOnThisThread;
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        Assert.Equal(hashed, ArtifactHasher.FilesHashedOnThisThread); // the cache at work

        // Same size and write time, other content: on Linux the change time tells (the write time
        // alone would keep "v1"'s hash: the cache's blind spot where the system has no ctime).
        Thread.Sleep(20); // past the kernel's coarse clock tick
        File.WriteAllText(dll, "v2");
        File.SetLastWriteTimeUtc(dll, stamp);
        var record = f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        Assert.Equal(OperatingSystem.IsLinux() ? ArtifactHasher.HashBytes("v2"u8) : ArtifactHasher.HashBytes("v1"u8), record.Artifacts[0].Sha256);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(dll), TimeSpan.Zero), record.Artifacts[0].LastWriteUtc);
        Assert.Equal(OperatingSystem.IsLinux(), record.Artifacts[0].ChangedUtc > record.Artifacts[0].LastWriteUtc);
    }

    [Fact]
    public void A_new_run_reuses_the_hashes_of_the_run_before_for_unchanged_files()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r1", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "v1");
        var pdb = Artifact(f, "App.pdb", "p1");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll), new ArtifactInput(pdb)]);
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        // The pdb: really rewritten (a new time): hashed again. The dll: untouched, not read again.
        File.WriteAllText(pdb, "p2");
        File.SetLastWriteTimeUtc(pdb, File.GetLastWriteTimeUtc(dll).AddMinutes(1));

        f.Run(Id, "r2", "Setup", "Build");
        var hashed = ArtifactHasher.FilesHashedOnThisThread;
        var record = f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll), new ArtifactInput(pdb)], Transitions = ["Cleanup", "Complete"] });

        Assert.Equal(hashed + 1, ArtifactHasher.FilesHashedOnThisThread);
        Assert.Equal(ArtifactHasher.HashBytes("v1"u8), record.Artifacts.Single(a => a.Path.EndsWith(".dll", StringComparison.Ordinal)).Sha256);
        Assert.Equal(ArtifactHasher.HashBytes("p2"u8), record.Artifacts.Single(a => a.Path.EndsWith(".pdb", StringComparison.Ordinal)).Sha256);
    }

    private static BuildRecord BuildOnce(StoreFixture f, string runId, string dll)
    {
        f.Run(Id, runId, "Setup", "Build");
        return f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], CheckpointName = "built", Transitions = ["Cleanup", "Complete"] });
    }

    [Fact]
    public void An_automatic_checkpoint_holding_the_same_files_as_the_newest_of_its_name_is_not_taken_again()
    {
        using var f = new StoreFixture(maxCheckpoints: 2);
        var dll = Artifact(f, "App.dll", "v1");
        var first = BuildOnce(f, "r1", dll).Checkpoints.Single();
        Assert.NotNull(first.ArtifactsSha256);

        // Two no-op builds: nothing new to keep, and the checkpoint of the last real change stays.
        BuildOnce(f, "r2", dll);
        var record = BuildOnce(f, "r3", dll);
        Assert.Equal([first.Id], record.Checkpoints.Select(c => c.Id));
        Assert.Single(Directory.GetFiles(f.Store.Layout.CheckpointsDir(BuildKey.For(Id)), "*.json"));
        Assert.Contains(f.Store.GetHistory(Id), h => h.Message?.Contains("checkpoint built unchanged", StringComparison.Ordinal) == true);

        // A real change is checkpointed.
        File.WriteAllText(dll, "v2, longer");
        record = BuildOnce(f, "r4", dll);
        Assert.Equal(2, record.Checkpoints.Count);
        Assert.NotEqual(first.ArtifactsSha256, record.Checkpoints[^1].ArtifactsSha256);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void One_name_taken_at_two_phases_in_turn_is_compared_per_phase_and_rotates_nothing_out()
    {
        using var f = new StoreFixture(maxCheckpoints: 3);
        var dll = Artifact(f, "App.dll", "v1");

        // Runs that alternate: one checkpointed before its move to Test (taken in Build), one when
        // it ends (taken after its transitions, in Complete), under one name.
        BuildState.Model.BuildRecord Take(string run, bool atEnd)
        {
            f.Run(Id, run, "Setup", "Build");
            var taken = f.Store.Advance(Id, new AdvanceRequest { Artifacts = [new ArtifactInput(dll, "assembly")], CheckpointName = "cp", Transitions = atEnd ? ["Cleanup", "Complete"] : ["Test"] });
            return atEnd ? taken : f.Store.Advance(Id, new AdvanceRequest { Transitions = ["Cleanup", "Complete"] });
        }

        var inBuild = Take("r1", atEnd: false).Checkpoints.Single();
        var atEnd = Take("r2", atEnd: true).Checkpoints[^1];
        Assert.Equal(("Build", "Complete"), (inBuild.Phase, atEnd.Phase));
        for (var i = 0; i < 4; i++)
        {
            Take($"b{i}", atEnd: false);
            Take($"e{i}", atEnd: true);
        }

        Assert.Equal([inBuild.Id, atEnd.Id], f.Store.Get(Id).Checkpoints.Select(c => c.Id));
    }

    [Fact]
    public void Checkpoints_asked_for_by_name_are_always_taken()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "v1");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        f.Store.CreateCheckpoint(Id, "mine");
        f.Store.CreateCheckpoint(Id, "mine");
        Assert.Equal(2, f.Store.Get(Id).Checkpoints.Count);
    }

    [Fact]
    public void Validation_reports_a_checkpoint_whose_files_do_not_match_the_digest_its_build_lists()
    {
        using var f = new StoreFixture();
        var dll = Artifact(f, "App.dll", "v1");
        var checkpoint = BuildOnce(f, "r1", dll).Checkpoints.Single();
        var path = f.Store.Layout.CheckpointFile(BuildKey.For(Id), checkpoint.Id);
        var sha = ArtifactHasher.HashBytes("v1"u8);
        File.WriteAllText(path, File.ReadAllText(path).Replace(sha, ArtifactHasher.HashBytes("v2"u8), StringComparison.Ordinal));

        var report = new StoreValidator(f.Store).Validate();
        Assert.Contains(report.Problems, p => p.File == path && p.Message.Contains("does not match the digest", StringComparison.Ordinal));
    }

    [Fact]
    public void Restoring_artifacts_from_a_checkpoint_without_copies_is_refused()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        f.Store.CreateCheckpoint(Id, "plain");
        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "plain", restoreArtifacts: true));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
    }

    [Fact]
    public void A_damaged_copy_is_detected_on_restore_and_by_validation()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = Artifact(f, "App.dll", "good");
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        var blob = Directory.GetFiles(f.Store.Layout.BlobsDir(BuildKey.For(Id))).Single();
        File.WriteAllText(blob, "evil");
        File.Delete(dll);

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Equal(blob, e.FilePath);
        var report = new StoreValidator(f.Store).Validate();
        Assert.Contains(report.Problems, p => p.File == blob && p.Kind == StoreErrorKind.Corruption);
    }

    [Fact]
    public void Unknown_checkpoints_are_not_found_and_ambiguous_parts_list_candidates()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        f.Store.CreateCheckpoint(Id);
        f.Store.CreateCheckpoint(Id);
        Assert.Equal(StoreErrorKind.NotFound, Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "nope")).Kind);
        var ambiguous = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "-00"));
        Assert.Equal(StoreErrorKind.NotFound, ambiguous.Kind); // as an ambiguous build is, in the CLI (exit 5)
        Assert.Contains("matches 2 checkpoints", ambiguous.Message);
    }

    [Fact]
    public void Checkpoints_are_listed_from_their_files()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        f.Store.CreateCheckpoint(Id, "one", automatic: true);
        var list = f.Store.GetCheckpoints(Id);
        var only = Assert.Single(list);
        Assert.Equal("Setup", only.Phase);
        Assert.True(only.Automatic);
        Assert.Equal(Id, only.BuildId);
    }
}
