using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// Whole-store validation reports what is wrong with a build's files, with the file and the right
/// kind, and nothing more: a build it cannot read is not also "missing" from the index or from its
/// dependents (those lines turned a permission problem, exit 6, into corruption, exit 3).
/// </summary>
public class ValidatorRealProblemTests
{
    private const string App = "src/App/App.csproj|Debug|net10.0";
    private const string Lib = "src/Lib/Lib.csproj|Debug|net10.0";

    [Fact]
    public void A_corrupt_state_is_reported_with_the_build_its_history_names()
    {
        using var f = TwoBuilds();
        var state = f.Store.Layout.StateFile(BuildKey.For(App));
        File.WriteAllText(state, "{ this is not json");

        var problem = Assert.Single(new StoreValidator(f.Store).Validate().Problems, p => p.File == state);
        Assert.Equal(StoreErrorKind.Corruption, problem.Kind);
        Assert.Equal(App, problem.BuildId);
        Assert.DoesNotContain("LineNumber:", problem.Message);
    }

    private static StoreFixture TwoBuilds()
    {
        var f = new StoreFixture();
        f.Run(Lib, "r", StoreFixture.FullRun);
        f.Store.StartRun(App, new StartRunRequest { RunId = "r", Dependencies = [Lib] });
        foreach (var phase in StoreFixture.FullRun)
        {
            f.Store.Transition(App, phase);
        }

        f.Store.List(); // the index lists both
        return f;
    }

    [Fact]
    public void A_state_file_that_is_a_symbolic_link_is_a_permission_problem_of_that_file()
    {
        using var f = TwoBuilds();
        var state = f.Store.Layout.StateFile(BuildKey.For(App));
        var elsewhere = Path.Combine(f.RepoRoot, "elsewhere.json");
        File.Move(state, elsewhere);
        File.CreateSymbolicLink(state, elsewhere);

        var report = new StoreValidator(f.Reopen()).Validate();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreErrorKind.PermissionDenied, problem.Kind);
        Assert.Equal(state, problem.File);
        Assert.Contains("symbolic link", problem.Message);
    }

    [Fact]
    public void A_truncated_state_is_one_corruption_of_that_file_and_not_an_index_or_dependency_problem()
    {
        using var f = TwoBuilds();
        var state = f.Store.Layout.StateFile(BuildKey.For(Lib));
        using (var stream = new FileStream(state, FileMode.Open))
        {
            stream.SetLength(100);
        }

        var report = new StoreValidator(f.Reopen()).Validate();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreErrorKind.Corruption, problem.Kind);
        Assert.Equal(state, problem.File);
    }

    [Fact]
    public void An_unreadable_state_is_one_permission_problem_of_that_file()
    {
        using var f = TwoBuilds();
        var state = f.Store.Layout.StateFile(BuildKey.For(Lib));
        var fs = new RefusingFileSystem();
        fs.Refused.Add(state);

        var report = new StoreValidator(f.Reopen(o => o.FileSystem = fs)).Validate();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreErrorKind.PermissionDenied, problem.Kind);
        Assert.Equal(state, problem.File);
    }

    [Fact]
    public void An_unreadable_history_log_is_a_permission_problem_of_the_log()
    {
        using var f = TwoBuilds();
        var log = f.Store.Layout.HistoryLog(BuildKey.For(App));
        var fs = new RefusingFileSystem();
        fs.Refused.Add(log);

        var report = new StoreValidator(f.Reopen(o => o.FileSystem = fs)).Validate();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreErrorKind.PermissionDenied, problem.Kind);
        Assert.Equal(log, problem.File);
    }
}
