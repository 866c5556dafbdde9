using BuildState.Cli.Tests.Infrastructure;
using BuildState.Tests.Shared;

namespace BuildState.Cli.Tests;

/// <summary>graph NAME: a store's lifecycle by name in any case; a table file that does not parse shows its diagnostics.</summary>
public sealed class GraphLifecycleNameTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private string Table(string fileName, string json)
    {
        var dir = Path.Combine(_store.Root, "lifecycles");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, fileName);
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("Release")]
    [InlineData("release")]
    [InlineData("RELEASE")]
    public void A_lifecycle_name_matches_in_any_case(string name)
    {
        Table("Release.buildstate.json", SampleTables.Release);

        var result = Bs.Run(_store.Repo, "graph", name, "--json");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal("Release", result.Json.GetProperty("subject").GetString());
        Assert.Contains("Signed", result.Json.GetProperty("graph").GetString());
    }

    [Fact]
    public void A_malformed_store_table_shows_its_diagnostic_with_file_line_and_column()
    {
        var file = Table("Release.buildstate.json", SampleTables.Release.Replace("\"Built\":  [\"Signed\", \"Failed\"],", "\"Built\":  [\"Signed\", \"Failed\"]"));

        var result = Bs.Run(_store.Repo, "graph", "release");

        Assert.True(result.Code == 4, result.ToString());
        Assert.DoesNotContain("no lifecycle", result.Err);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(file)}\(\d+,\d+\): error BST\d{{4}}: ", result.Err);
        Assert.Contains("it is not drawn", result.Err);
    }

    [Fact]
    public void An_unknown_lifecycle_is_5_and_lists_the_known_ones()
    {
        Table("Release.buildstate.json", SampleTables.Release);

        var result = Bs.Run(_store.Repo, "graph", "Packaging");

        Assert.True(result.Code == 5, result.ToString());
        Assert.Contains("no lifecycle 'Packaging'", result.Err);
        Assert.Contains("Default, Release", result.Err);
    }

    [Fact]
    public void A_missing_table_file_is_5_and_says_what_to_give_instead()
    {
        Table("Release.buildstate.json", SampleTables.Release);

        var result = Bs.Run(_store.Repo, "graph", "ci/missing.buildstate.json");

        Assert.True(result.Code == 5, result.ToString());
        var missing = Path.Combine(_store.Repo, "ci", "missing.buildstate.json");
        Assert.Equal($"{missing}: no table file 'ci/missing.buildstate.json'; check the path (relative to the current folder), or give a lifecycle the store knows by name (Default, Release) (NotFound, exit code 5)", result.Err.Trim());
    }
}
