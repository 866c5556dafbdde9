using BuildState.Core.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>BUILD arguments once a project also has custom-lifecycle builds (a fourth id field, the lifecycle's name).</summary>
public class BuildMatcherTests
{
    private const string App = "App/App.csproj|Debug|net10.0";
    private const string AppRelease = "App/App.csproj|Debug|net10.0|Release";
    private const string AppReleaseConfig = "App/App.csproj|Release|net10.0";
    private const string AppReleaseConfigRelease = "App/App.csproj|Release|net10.0|Release";

    private static IReadOnlyList<string> Match(string part, params string[] ids) => BuildMatcher.Match(ids, part);

    [Theory]
    [InlineData("App")]
    [InlineData("app")]
    [InlineData("App.csproj")]
    [InlineData("App/App.csproj")]
    [InlineData("App|Debug")]
    [InlineData("App|Debug|net10.0")]
    [InlineData("App.csproj|Debug|net10.0")]
    [InlineData("App/App.csproj|Debug|net10.0")]
    public void A_project_name_names_its_default_lifecycle_build_beside_a_custom_lifecycle_build(string part)
    {
        Assert.Equal([App], Match(part, App, AppRelease));
    }

    [Theory]
    [InlineData("App|Debug|net10.0|Release")]
    [InlineData("App.csproj|Debug|net10.0|release")]
    [InlineData("App/App.csproj|Debug|net10.0|Release")]
    public void All_fields_name_the_custom_lifecycle_build(string part)
    {
        Assert.Equal([AppRelease], Match(part, App, AppRelease));
    }

    [Fact]
    public void All_fields_matching_exactly_win_over_longer_ids_without_a_default_lifecycle_build()
    {
        // Only custom-lifecycle builds in Debug, and one with a lifecycle named like a prefix of another.
        const string Ship = "App/App.csproj|Debug|net10.0|Ship";
        const string Shipping = "App/App.csproj|Debug|net10.0|Shipping";
        Assert.Equal([Ship], Match("App|Debug|net10.0|Ship", Ship, Shipping));
        Assert.Equal([AppRelease], Match("App|Debug|net10.0", AppRelease)); // a prefix, alone: still named
    }

    [Fact]
    public void Fields_are_positional_so_a_configuration_named_like_a_lifecycle_is_the_configuration()
    {
        Assert.Equal([AppReleaseConfig], Match("App|Release", App, AppRelease, AppReleaseConfig, AppReleaseConfigRelease));
    }

    [Fact]
    public void Two_default_lifecycle_builds_stay_ambiguous()
    {
        var matches = Match("App", App, AppRelease, AppReleaseConfig, AppReleaseConfigRelease);
        Assert.Equal(4, matches.Count); // no single default-lifecycle build: every build of the project is a candidate
        Assert.Equal([App], Match("App|Debug", App, AppRelease, AppReleaseConfig, AppReleaseConfigRelease));
    }

    [Fact]
    public void Only_custom_lifecycle_builds_are_ambiguous()
    {
        const string Other = "App/App.csproj|Debug|net10.0|Other";
        Assert.Equal(2, Match("App", AppRelease, Other).Count);
    }

    [Theory]
    [InlineData(App, true)]
    [InlineData(AppRelease, false)]
    [InlineData("src/A.csproj||", true)]
    public void Default_lifecycle_builds_have_three_fields(string id, bool expected)
    {
        Assert.Equal(expected, BuildMatcher.IsDefaultLifecycle(id));
    }

    [Fact]
    public void ResolveBuildId_uses_the_same_rule()
    {
        using var f = new StoreFixture();
        f.Run(App, "r");
        f.Run(AppRelease, "r");
        Assert.Equal(App, f.Store.ResolveBuildId("App"));
        Assert.Equal(App, f.Store.ResolveBuildId("App.csproj|Debug|net10.0"));
        Assert.Equal(AppRelease, f.Store.ResolveBuildId("App|Debug|net10.0|Release"));
    }
}
