using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>`restore BUILD CHECKPOINT`: names in any case, and "not found" and "ambiguous" both exit 5 listing what there is.</summary>
public sealed class CheckpointLookupCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public CheckpointLookupCliTests()
    {
        Assert.Equal(0, Bs.Run(_store.Repo, "checkpoint", "App.csproj", "--name", "before-release", "--no-artifacts").Code);
    }

    public void Dispose() => _store.Dispose();

    private static string OneErrorLine(Bs.Result result)
    {
        Assert.True(result.Code == 5, result.ToString());
        return Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_part_of_several_checkpoint_ids_exits_5_like_an_ambiguous_build_and_lists_them()
    {
        var year = Bs.Run(_store.Repo, "checkpoints", "App.csproj", "--json").Json.GetProperty("checkpoints")[0].GetProperty("id").GetString()![..4];

        var line = OneErrorLine(Bs.Run(_store.Repo, "restore", "App.csproj", year));

        Assert.Contains("matches 2 checkpoints", line);
        Assert.Contains("after-build (", line);
        Assert.Contains("before-release (", line);
        Assert.EndsWith("(NotFound, exit code 5)", line);
    }

    [Fact]
    public void A_checkpoint_name_in_another_case_is_found()
    {
        var result = Bs.Run(_store.Repo, "restore", "App.csproj", "AFTER-BUILD", "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("Build", result.Json.GetProperty("phase").GetString());
    }

    [Fact]
    public void An_unknown_checkpoint_lists_the_names_the_build_has()
    {
        var line = OneErrorLine(Bs.Run(_store.Repo, "restore", "App.csproj", "before"));
        Assert.Contains("has no checkpoint 'before'; its checkpoints: after-build (", line);
        Assert.Contains("before-release (", line);
    }
}
