using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

public class MigrationAndArchiveTests
{
    private const string Id = "src/Legacy/Legacy.csproj|Debug|net48";

    /// <summary>A state file as the prototype (schema 1) wrote it, by hand.</summary>
    private const string SchemaV1 = """
        {
          "schema_version": 1,
          "id": "src/Legacy/Legacy.csproj|Debug|net48",
          "timestamp": "2025-05-31T12:00:00+00:00",
          "phase": "TEST",
          "status": "completed",
          "resources": { "machine": "build-agent-7", "cpu": 4 },
          "artifacts": ["bin/Legacy.dll", "bin/Legacy.pdb"],
          "dependencies": { "src/Core/Core.csproj|Debug|net48": "1.0" },
          "checkpoints": ["cp-1"],
          "metadata": { "branch": "main" }
        }
        """;

    [Fact]
    public void A_schema_1_state_is_read_and_migrated_to_the_current_schema()
    {
        using var f = new StoreFixture();
        var key = BuildKey.For(Id);
        Directory.CreateDirectory(f.Store.Layout.HistoryDir(key));
        File.WriteAllText(f.Store.Layout.StateFile(key), SchemaV1);

        var read = f.Store.Get(Id);
        Assert.Equal("Test", read.Phase);
        Assert.Equal(RunStatus.Succeeded, read.Status);
        Assert.Equal(["bin/Legacy.dll", "bin/Legacy.pdb"], read.Artifacts.Select(a => a.Path));
        Assert.Equal(["src/Core/Core.csproj|Debug|net48"], read.Dependencies);
        Assert.Equal("cp-1", Assert.Single(read.Checkpoints).Id);
        Assert.Equal("main", read.Metadata["branch"]);
        Assert.Equal("4", read.Metadata["resource.cpu"]);
        Assert.Equal("build-agent-7", read.Resources.Machine);

        var migrated = f.Store.Migrate();
        Assert.Equal([f.Store.Layout.StateFile(key)], migrated);
        Assert.Contains("\"schemaVersion\": 2", File.ReadAllText(f.Store.Layout.StateFile(key)));
        Assert.True(File.Exists(Path.Combine(f.Store.Layout.BackupDir(key), "pre-migration", "schema-v1.json")));
        Assert.Empty(f.Store.Migrate()); // idempotent

        f.Store.StartRun(Id, new StartRunRequest { RunId = "after-migration" });
        Assert.Equal("Init", f.Store.Get(Id).Phase);
    }

    [Fact]
    public void A_damaged_state_is_left_as_it_is_and_the_other_builds_are_still_migrated()
    {
        using var f = new StoreFixture();
        const string Broken = "src/Broken/Broken.csproj|Debug|net48";
        var (good, bad) = (BuildKey.For(Id), BuildKey.For(Broken));
        foreach (var key in new[] { good, bad })
        {
            Directory.CreateDirectory(f.Store.Layout.HistoryDir(key));
        }

        File.WriteAllText(f.Store.Layout.StateFile(good), SchemaV1);
        var damaged = SchemaV1.Replace(Id, Broken)[..60]; // cut off mid-file
        File.WriteAllText(f.Store.Layout.StateFile(bad), damaged);

        var report = f.Store.MigrateStore();

        Assert.Equal([f.Store.Layout.StateFile(good)], report.Migrated);
        var left = Assert.Single(report.Damaged);
        Assert.Equal((StoreErrorKind.Corruption, f.Store.Layout.StateFile(bad)), (left.Kind, left.FilePath));
        Assert.Equal(damaged, File.ReadAllText(f.Store.Layout.StateFile(bad)));
        Assert.Empty(report.Newer);
        Assert.Contains(f.Store.List(), b => b.Id == Id); // the index was rebuilt
    }

    [Fact]
    public void A_newer_schema_is_refused_with_a_clear_message()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        var key = BuildKey.For(Id);
        var state = f.Store.Layout.StateFile(key);
        StateFileEdits.EditSealed(state, text => text.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 99"));
        File.Delete(f.Store.Layout.HistoryLog(key));
        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.NewerSchema, e.Kind); // not damage: a newer tool wrote it
        Assert.Contains("written by a newer BuildState (schema 99; this tool reads up to 2)", e.Message);
    }

    [Fact]
    public void Archive_moves_a_build_out_of_active_and_the_index_and_prune_deletes_by_count_and_age()
    {
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        using var f = new StoreFixture();
        var store = f.Reopen(o => o.Clock = () => now);
        for (var i = 0; i < 3; i++)
        {
            store.StartRun(Id, new StartRunRequest { RunId = $"r{i}" });
            store.EndRun(Id, RunOutcome.Failed);
            now = now.AddDays(1);
            store.Archive(Id);
            now = now.AddDays(1);
        }

        Assert.Empty(store.List());
        Assert.Null(store.TryGet(Id));
        var archived = store.ListArchived();
        Assert.Equal(3, archived.Count);
        Assert.All(archived, a => Assert.Equal(Id, a.Id));

        Assert.Single(store.Prune(olderThan: null, keepLast: 2));
        now = now.AddDays(10);
        Assert.Equal(2, store.Prune(olderThan: TimeSpan.FromDays(5), keepLast: null).Count);
        Assert.Empty(store.ListArchived());
        Assert.Throws<BuildStateException>(() => store.Prune(null, null));
    }

    [Fact]
    public void A_running_build_is_not_archived_and_old_finished_builds_are()
    {
        var now = DateTimeOffset.UtcNow;
        using var f = new StoreFixture();
        var store = f.Reopen(o => o.Clock = () => now);
        store.StartRun("live", new StartRunRequest { RunId = "r" });
        store.StartRun("done", new StartRunRequest { RunId = "r" });
        store.EndRun("done", RunOutcome.Failed);
        Assert.Equal(StoreErrorKind.Validation, Assert.Throws<BuildStateException>(() => store.Archive("live")).Kind);
        now = now.AddDays(30);
        Assert.Equal(["done"], store.ArchiveOlderThan(TimeSpan.FromDays(7)));
        Assert.Equal(["live"], store.List().Select(b => b.Id));
    }
}
