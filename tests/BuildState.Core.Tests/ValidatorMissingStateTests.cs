using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;
using static BuildState.Core.Tests.DroppedCheckpointTests;

namespace BuildState.Core.Tests;

/// <summary>
/// validate reports every problem it can find for a build whose state file is damaged or missing:
/// the rest of the build (its checkpoints first) is checked as its history has it, or, with no
/// history either, its checkpoint files on disk are; recover then agrees with it.
/// </summary>
public class ValidatorMissingStateTests
{
    [Fact]
    public void With_the_state_missing_validate_still_checks_the_checkpoints_and_recover_reports_the_damaged_one_as_lost()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var checkpointFile = f.Store.Layout.CheckpointFile(Key, checkpoint.Id);
        File.Delete(f.Store.Layout.StateFile(Key));
        Truncate(checkpointFile, 100);

        var problems = new StoreValidator(f.Reopen()).Validate().Problems;

        Assert.Contains(problems, p => p.File == f.Store.Layout.StateFile(Key));
        var damaged = Assert.Single(problems, p => p.File == checkpointFile);
        Assert.Equal(StoreErrorKind.Corruption, damaged.Kind);
        Assert.Equal(Id, damaged.BuildId);
        Assert.Contains("buildstate recover", damaged.Message);

        var report = f.Reopen().Recover();

        Assert.Contains(report.Repaired, r => r.Contains("restored the state from history record", StringComparison.Ordinal));
        Assert.Contains(checkpoint.Id, Assert.Single(report.Lost));
        Assert.Equal(ExitCodes.Corruption, report.ExitCode);
        Assert.True(new StoreValidator(f.Reopen()).Validate().IsValid);
    }

    [Fact]
    public void With_neither_state_nor_history_readable_validate_checks_the_checkpoint_files_on_disk()
    {
        using var f = new StoreFixture();
        var checkpoint = BuildWithCheckpoint(f);
        var checkpointFile = f.Store.Layout.CheckpointFile(Key, checkpoint.Id);
        File.Delete(f.Store.Layout.StateFile(Key));
        File.WriteAllText(f.Store.Layout.HistoryLog(Key), "not a log");
        Truncate(checkpointFile, 100);

        var problems = new StoreValidator(f.Reopen()).Validate().Problems;

        Assert.Equal(StoreErrorKind.Corruption, Assert.Single(problems, p => p.File == checkpointFile).Kind);
    }

    [Fact]
    public void With_the_state_missing_the_build_is_checked_as_its_history_has_it_and_not_twice()
    {
        using var f = new StoreFixture();
        BuildWithCheckpoint(f);
        File.Delete(f.Store.Layout.StateFile(Key));

        var problems = new StoreValidator(f.Reopen()).Validate().Problems;

        var missing = Assert.Single(problems); // the checkpoint is intact: nothing else to report
        Assert.Equal(f.Store.Layout.StateFile(Key), missing.File);
        Assert.Equal(Id, missing.BuildId);
    }
}
