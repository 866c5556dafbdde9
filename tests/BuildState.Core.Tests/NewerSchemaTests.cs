using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A file written by a newer BuildState is no damage: it is refused with a message to upgrade
/// (NewerSchema, exit 8), and never quarantined, repaired or rewritten by this older code.
/// </summary>
public class NewerSchemaTests
{
    private const string Id = "src/Contoso.Api/Contoso.Api.csproj|Debug|net10.0";
    private static readonly string Key = BuildKey.For(Id);
    private const string Upgrade = "written by a newer BuildState (schema 99; this tool reads up to 2): upgrade the buildstate tool/SDK";

    private static StoreFixture WithCheckpoint(out string checkpointFile)
    {
        var f = new StoreFixture();
        f.Run(Id, "r1", "Setup", "Build");
        var checkpoint = f.Store.CreateCheckpoint(Id, "built");
        f.Store.Transition(Id, "Cleanup");
        checkpointFile = f.Store.Layout.CheckpointFile(Key, checkpoint.Id);
        File.WriteAllText(checkpointFile, File.ReadAllText(checkpointFile).Replace("\"schemaVersion\": 2", "\"schemaVersion\": 99"));
        return f;
    }

    [Fact]
    public void A_newer_checkpoint_is_refused_on_restore_with_a_message_to_upgrade()
    {
        using var f = WithCheckpoint(out var file);
        var e = Assert.Throws<BuildStateException>(() => f.Reopen().RestoreCheckpoint(Id, "built"));
        Assert.Equal(StoreErrorKind.NewerSchema, e.Kind);
        Assert.Equal(8, e.ExitCode);
        Assert.Equal(file, e.FilePath);
        Assert.Equal(Upgrade, e.Message);
    }

    [Fact]
    public void Recover_leaves_a_newer_checkpoint_in_place_and_listed()
    {
        using var f = WithCheckpoint(out var file);
        var before = File.ReadAllBytes(file);

        var report = f.Reopen().Recover();

        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.Contains(f.Reopen().Get(Id).Checkpoints, c => file.EndsWith(c.Id + ".json", StringComparison.Ordinal));
        Assert.False(Directory.Exists(f.Store.Layout.DamagedDir));
        Assert.Contains(file, Assert.Single(report.Skipped));
        Assert.Empty(report.Repaired);
        Assert.Equal(ExitCodes.NewerSchema, report.ExitCode);
    }

    [Fact]
    public void Validate_and_migrate_report_a_newer_checkpoint()
    {
        using var f = WithCheckpoint(out var file);
        var before = File.ReadAllBytes(file);

        var problem = Assert.Single(new StoreValidator(f.Reopen()).Validate().Problems);
        Assert.Equal(StoreErrorKind.NewerSchema, problem.Kind);
        Assert.Equal(file, problem.File);

        var migration = f.Reopen().MigrateStore();
        Assert.Empty(migration.Migrated);
        Assert.Equal(file, Assert.Single(migration.Newer).FilePath);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // edited by hand: its checksum no longer holds, but its writer may check files differently
    public void A_newer_state_is_refused_not_rebuilt_from_history(bool sealedEdit)
    {
        using var f = new StoreFixture();
        f.Run(Id, "r1", StoreFixture.FullRun);
        var state = f.Store.Layout.StateFile(Key);
        if (sealedEdit)
        {
            StateFileEdits.EditSealed(state, text => text.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 99"));
        }
        else
        {
            File.WriteAllText(state, File.ReadAllText(state).Replace("\"schemaVersion\": 2", "\"schemaVersion\": 99"));
        }

        var before = File.ReadAllBytes(state);

        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.NewerSchema, e.Kind);
        Assert.Equal(state, e.FilePath);

        var report = f.Reopen().Recover();
        Assert.Equal(ExitCodes.NewerSchema, report.ExitCode);
        Assert.Empty(report.Repaired);
        Assert.Equal(before, File.ReadAllBytes(state));
        Assert.False(Directory.Exists(f.Store.Layout.DamagedDir));

        Assert.Equal(state, Assert.Single(f.Reopen().MigrateStore().Newer).FilePath);
        Assert.Equal(before, File.ReadAllBytes(state));
    }

    [Fact]
    public void A_history_record_of_a_newer_schema_is_refused_and_the_log_left_whole()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r1", "Setup");
        var log = f.Store.Layout.HistoryLog(Key);
        var end = HistoryLog.Scan(File.ReadAllBytes(log), log).ValidEnd;
        var newer = HistoryLog.Frame(new HistoryEntry { SchemaVersion = 99, Sequence = 3, Kind = "something-new", At = DateTimeOffset.UtcNow });
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(end);
            stream.Position = end;
            stream.Write(newer);
        }

        var before = File.ReadAllBytes(log);

        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.NewerSchema, e.Kind);
        Assert.Equal(log, e.FilePath);

        var report = f.Reopen().Recover();
        Assert.Equal(ExitCodes.NewerSchema, report.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(log));
        var problem = Assert.Single(new StoreValidator(f.Reopen()).Validate().Problems); // the index is not judged against a state the log may have moved past
        Assert.Equal(StoreErrorKind.NewerSchema, problem.Kind);
    }
}
