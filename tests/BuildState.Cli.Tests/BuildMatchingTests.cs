using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>BUILD arguments: a project's exact name wins over longer names containing it; an archived build says so.</summary>
public sealed class BuildMatchingTests : IDisposable
{
    private const string Core = "src/Contoso.Core/Contoso.Core.csproj|Debug|net10.0";
    private const string CoreTests = "tests/Contoso.Core.Tests/Contoso.Core.Tests.csproj|Debug|net10.0";
    private const string CoreRelease = "src/Contoso.Core/Contoso.Core.csproj|Release|net10.0";

    private readonly TestStore _store = new();

    public BuildMatchingTests()
    {
        foreach (var id in new[] { Core, CoreTests })
        {
            _store.Store.StartRun(id, new StartRunRequest { RunId = "r" });
        }
    }

    public void Dispose() => _store.Dispose();

    private string Shown(params string[] args)
    {
        var result = Bs.Run(_store.Repo, ["show", .. args, "--json"]);
        Assert.True(result.Code == 0, result.ToString());
        return result.Json.GetProperty("id").GetString()!;
    }

    [Theory]
    [InlineData("Contoso.Core")]
    [InlineData("contoso.core")]
    [InlineData("Contoso.Core.csproj")]
    [InlineData("src/Contoso.Core/Contoso.Core.csproj")]
    public void The_exact_project_name_wins_over_a_longer_one(string part)
    {
        Assert.Equal(Core, Shown(part));
    }

    [Fact]
    public void The_longer_name_and_unique_parts_still_resolve()
    {
        Assert.Equal(CoreTests, Shown("Contoso.Core.Tests"));
        Assert.Equal(CoreTests, Shown("Tests"));
        Assert.Equal(Core, Shown(Core));
    }

    [Fact]
    public void A_project_built_in_two_configurations_is_ambiguous_between_those_only()
    {
        _store.Store.StartRun(CoreRelease, new StartRunRequest { RunId = "r" });

        var result = Bs.Run(_store.Repo, "show", "Contoso.Core");

        Assert.Equal(5, result.Code);
        Assert.Contains("matches 2 builds", result.Err);
        Assert.Contains(CoreRelease, result.Err);
        Assert.DoesNotContain(CoreTests, result.Err);
        Assert.Equal(CoreRelease, Shown("Contoso.Core|Release"));
    }

    [Fact]
    public void An_archived_build_says_it_is_archived_and_how_to_see_it()
    {
        _store.Store.EndRun(CoreTests, RunOutcome.Succeeded);
        _store.Store.Archive(CoreTests);

        var result = Bs.Run(_store.Repo, "show", "Contoso.Core.Tests");

        Assert.True(result.Code == 5, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"the archived build {CoreTests}", line);
        Assert.Contains("buildstate list --archived", line);
    }

    [Fact]
    public void An_unknown_part_is_still_no_build_matches()
    {
        var result = Bs.Run(_store.Repo, "show", "Nothing.Like.It");
        Assert.Equal(5, result.Code);
        Assert.Contains("no build matches 'Nothing.Like.It'", result.Err);
    }

    [Theory]
    [InlineData("Contoso.Core")]
    [InlineData("Contoso.Core.csproj|Debug|net10.0")]
    [InlineData("Contoso.Core|Debug|net10.0")]
    public void A_project_name_names_its_default_lifecycle_build_beside_its_custom_lifecycle_build(string part)
    {
        _store.Store.StartRun(Core + "|Release", new StartRunRequest { RunId = "r" });

        Assert.Equal(Core, Shown(part));
        Assert.Equal(Core + "|Release", Shown("Contoso.Core|Debug|net10.0|Release"));
    }
}
