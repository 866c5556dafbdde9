using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A checkpoint taken under an earlier version of its lifecycle's table is refused, with nothing
/// written: found by a user review, where restoring one whose phase had been renamed since left a
/// state the run could not go on from and that validate reported.
/// </summary>
public sealed class RestoreUnderEditedTableTests
{
    private static TableDefinition Deploy(string middle) => new("Deploy", "Queued", ["Live"], "Broken",
    [
        ("Queued", ["Staged", "Broken"]),
        ("Staged", [middle, "Broken"]),
        (middle, ["Live", "Broken"]),
        ("Live", []),
        ("Broken", ["Queued"]),
    ]);

    [Fact]
    public void A_checkpoint_whose_phase_the_table_no_longer_has_is_refused_and_nothing_changes()
    {
        using var f = new StoreFixture();
        f.Store.Lifecycles.Register(Deploy("Verified"));
        f.Store.StartRun("lib|Deploy", new StartRunRequest { RunId = "r1", Lifecycle = "Deploy" });
        f.Store.Transition("lib|Deploy", "Staged");
        f.Store.Transition("lib|Deploy", "Verified");
        f.Store.CreateCheckpoint("lib|Deploy", "inverified");
        f.Store.Transition("lib|Deploy", "Live");
        var edited = f.Reopen();
        edited.Lifecycles.Register(Deploy("Checked")); // Verified renamed
        var before = edited.ReadHistory("lib|Deploy").Entries.Count;

        var e = Assert.Throws<BuildStateException>(() => edited.RestoreCheckpoint("lib|Deploy", "inverified"));

        Assert.Equal(StoreErrorKind.Validation, e.Kind);
        Assert.Contains("was taken under an earlier version of its table: its phase 'Verified' is not a phase of lifecycle 'Deploy' now", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(".json", e.FilePath);
        Assert.Equal(before, edited.ReadHistory("lib|Deploy").Entries.Count);
        Assert.Equal("Live", edited.Get("lib|Deploy").Phase);
    }

    [Fact]
    public void A_checkpoint_that_fits_the_current_table_is_restored()
    {
        using var f = new StoreFixture();
        f.Store.Lifecycles.Register(Deploy("Verified"));
        f.Store.StartRun("lib|Deploy", new StartRunRequest { RunId = "r1", Lifecycle = "Deploy" });
        f.Store.Transition("lib|Deploy", "Staged");
        f.Store.CreateCheckpoint("lib|Deploy", "staged");
        f.Store.Transition("lib|Deploy", "Verified");

        Assert.Equal("Staged", f.Store.RestoreCheckpoint("lib|Deploy", "staged").Phase);
    }
}
