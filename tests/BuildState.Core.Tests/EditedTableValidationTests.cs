using BuildState.Core.Tests.Infrastructure;
using BuildState.Lifecycle;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A lifecycle's table edited after a record was written (a phase renamed): the record was valid
/// under the table of its time, so validate warns instead of failing. Found by a user review:
/// renaming a phase made `validate` exit 4 on the last run, which the old table allowed.
/// </summary>
public sealed class EditedTableValidationTests
{
    private static TableDefinition Release(string middle) => new("Release", "Draft", ["Published"], "Failed",
    [
        ("Draft", [middle, "Failed"]),
        (middle, ["Published", "Failed"]),
        ("Published", []),
        ("Failed", ["Draft"]),
    ]);

    [Fact]
    public void A_record_written_before_its_table_was_edited_is_a_warning_not_a_problem()
    {
        using var f = new StoreFixture();
        f.Store.Lifecycles.Register(Release("Built"));
        f.Store.SaveLifecycleTable("Release", "{ \"the table\": 1 }");
        f.Store.StartRun("pkg", new StartRunRequest { RunId = "r", Lifecycle = "Release" });
        f.Store.Transition("pkg", "Built");
        f.Store.Transition("pkg", "Published");
        Thread.Sleep(30); // the edit comes strictly later
        var edited = f.Reopen();
        edited.Lifecycles.Register(Release("Compiled"));
        edited.SaveLifecycleTable("Release", "{ \"the table\": 2 }");

        var report = new StoreValidator(edited).Validate();

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.Contains(report.Warnings, w => w.Message.StartsWith("transition Draft -> Built is not allowed by lifecycle 'Release' (the record was written before the table last changed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_record_written_after_the_table_it_breaks_is_still_a_problem()
    {
        using var f = new StoreFixture();
        f.Store.SaveLifecycleTable("Release", "{ \"the table\": 2 }"); // the store's copy: Draft -> Compiled -> Published
        Thread.Sleep(30);
        f.Store.Lifecycles.Register(Release("Built")); // a writer that went by another table afterwards
        f.Store.StartRun("pkg", new StartRunRequest { RunId = "r", Lifecycle = "Release" });
        f.Store.Transition("pkg", "Built");
        var checking = f.Reopen();
        checking.Lifecycles.Register(Release("Compiled"));

        var report = new StoreValidator(checking).Validate();

        Assert.Contains(report.Problems, p => p.Message == "transition Draft -> Built is not allowed by lifecycle 'Release'");
        Assert.Empty(report.Warnings);
    }
}
