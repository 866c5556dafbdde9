using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A dependency that was archived is still in the store (in archived/): validate does not count it
/// as missing, and the builds that depend on what is archived can be named for the user.
/// </summary>
public class ArchivedDependencyTests
{
    private const string Core = "src/Core/Core.csproj|Debug|net10.0";
    private const string App = "src/App/App.csproj|Debug|net10.0";
    private const string Tool = "src/Tool/Tool.csproj|Debug|net10.0";

    /// <summary>Core, then App and Tool, both depending on Core; all succeeded.</summary>
    private static StoreFixture ThreeBuilds()
    {
        var f = new StoreFixture();
        f.Run(Core, "r1", StoreFixture.FullRun);
        foreach (var id in new[] { App, Tool })
        {
            f.Store.StartRun(id, new StartRunRequest { RunId = "r1", Dependencies = [Core] });
            foreach (var phase in StoreFixture.FullRun)
            {
                f.Store.Transition(id, phase);
            }
        }

        return f;
    }

    [Fact]
    public void An_archived_dependency_is_not_a_validation_problem()
    {
        using var f = ThreeBuilds();
        f.Store.Archive(Core);

        var report = new StoreValidator(f.Reopen()).Validate();

        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void A_dependency_neither_active_nor_archived_is_still_reported()
    {
        using var f = ThreeBuilds();
        f.Store.Archive(Core);
        foreach (var dir in Directory.GetDirectories(f.Store.Layout.ArchivedDir))
        {
            Directory.Delete(dir, recursive: true); // pruned
        }

        var problems = new StoreValidator(f.Reopen()).Validate().Problems;

        Assert.Equal([App, Tool], problems.Where(p => p.Message.Contains($"dependency '{Core}' is not in the store", StringComparison.Ordinal)).Select(p => p.BuildId).Order());
    }

    [Fact]
    public void The_active_builds_that_depend_on_archived_ones_are_named()
    {
        using var f = ThreeBuilds();
        f.Store.Archive(Core);
        f.Store.Archive(Tool); // archived itself: not an active dependent

        var dependents = f.Reopen().ActiveDependentsOf([Core, Tool]);

        var app = Assert.Single(dependents);
        Assert.Equal(App, app.Id);
        Assert.Equal([Core], app.DependsOn);
    }
}
