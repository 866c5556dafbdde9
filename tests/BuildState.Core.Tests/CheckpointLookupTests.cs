using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>Finding a checkpoint by id, name or part of an id: not found and ambiguous are both NotFound (exit 5) and list what there is.</summary>
public class CheckpointLookupTests
{
    private const string Id = "src/Contoso.Api/Contoso.Api.csproj|Debug|net10.0";

    private static StoreFixture WithCheckpoints(params string[] names)
    {
        var f = new StoreFixture();
        f.Run(Id, "r1", "Setup", "Build");
        foreach (var name in names)
        {
            f.Store.CreateCheckpoint(Id, name);
        }

        return f;
    }

    [Fact]
    public void A_part_of_several_ids_is_not_found_class_and_lists_the_candidates()
    {
        using var f = WithCheckpoints("built", "before-test");
        var record = f.Store.Get(Id);
        var part = record.Checkpoints[0].Id[..4]; // the year: every id starts with it

        var e = Assert.Throws<BuildStateException>(() => f.Store.FindCheckpoint(record, part));

        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        Assert.Equal(5, e.ExitCode);
        Assert.Contains("matches 2 checkpoints", e.Message);
        Assert.Contains($"built ({record.Checkpoints[0].Id})", e.Message);
        Assert.Contains($"before-test ({record.Checkpoints[1].Id})", e.Message);
    }

    [Fact]
    public void A_name_matches_in_any_case_when_only_one_name_does()
    {
        using var f = WithCheckpoints("built", "before-test");
        var record = f.Store.Get(Id);
        Assert.Equal(record.Checkpoints[0].Id, f.Store.FindCheckpoint(record, "BUILT").Id);
        Assert.Equal(record.Checkpoints[1].Id, f.Store.FindCheckpoint(record, "Before-Test").Id);
    }

    [Fact]
    public void Names_that_differ_only_in_case_are_matched_exactly_or_reported_as_ambiguous()
    {
        using var f = WithCheckpoints("built", "Built");
        var record = f.Store.Get(Id);
        Assert.Equal(record.Checkpoints[1].Id, f.Store.FindCheckpoint(record, "Built").Id);

        var e = Assert.Throws<BuildStateException>(() => f.Store.FindCheckpoint(record, "BUILT"));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        Assert.Contains("matches 2 checkpoints", e.Message);
    }

    [Fact]
    public void An_unknown_checkpoint_lists_the_names_and_ids_the_build_has()
    {
        using var f = WithCheckpoints("built", "before-test");
        var record = f.Store.Get(Id);

        var e = Assert.Throws<BuildStateException>(() => f.Store.FindCheckpoint(record, "before"));

        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        Assert.Contains("has no checkpoint 'before'", e.Message);
        Assert.Contains($"its checkpoints: built ({record.Checkpoints[0].Id}), before-test ({record.Checkpoints[1].Id})", e.Message);
    }

    [Fact]
    public void A_build_without_checkpoints_says_so()
    {
        using var f = WithCheckpoints();
        var e = Assert.Throws<BuildStateException>(() => f.Store.FindCheckpoint(f.Store.Get(Id), "before"));
        Assert.Contains("it has no checkpoints", e.Message);
    }
}
