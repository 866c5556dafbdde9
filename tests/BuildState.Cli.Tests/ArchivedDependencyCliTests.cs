using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>
/// Archiving a build others depend on: archive names the active builds that depend on it (a note,
/// exit 0), and validate does not fail them for a dependency that is in archived/.
/// </summary>
public sealed class ArchivedDependencyCliTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds(); // App depends on Core

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Archive_notes_the_active_builds_that_depend_on_what_it_archived_and_exits_0()
    {
        var text = Bs.Run(_store.Repo, "archive", "Core");

        Assert.True(text.Code == 0, text.ToString());
        var note = Assert.Single(text.Out.Split('\n'), l => l.StartsWith("note", StringComparison.Ordinal));
        Assert.Contains(TestStore.App, note);
        Assert.Contains(TestStore.Core, note);
    }

    [Fact]
    public void Archive_json_lists_the_dependents()
    {
        var json = Bs.Run(_store.Repo, "archive", "Core", "--json");

        Assert.True(json.Code == 0, json.ToString());
        var dependent = Assert.Single(json.Json.GetProperty("dependents").EnumerateArray());
        Assert.Equal(TestStore.App, dependent.GetProperty("id").GetString());
        Assert.Equal(TestStore.Core, Assert.Single(dependent.GetProperty("dependsOn").EnumerateArray()).GetString());
        Assert.Equal(0, Bs.Run(_store.Repo, "archive", "Lib", "--json").Json.GetProperty("dependents").GetArrayLength());
    }

    [Fact]
    public void Validate_does_not_fail_a_build_whose_dependency_was_archived()
    {
        Assert.Equal(0, Bs.Run(_store.Repo, "archive", "Core").Code);

        var validate = Bs.Run(_store.Repo, "validate", "--json");

        Assert.True(validate.Code == 0, validate.ToString());
        Assert.True(validate.Json.GetProperty("valid").GetBoolean());
    }
}
