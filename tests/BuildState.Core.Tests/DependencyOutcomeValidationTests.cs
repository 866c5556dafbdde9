using BuildState.Core.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// validate's "succeeded but its dependency failed": a build that succeeded on top of a failed
/// dependency is a problem; a dependency that failed after the build succeeded (a red CI build after
/// a green one, the dependent not built again) is the store telling the truth. Found by a user
/// review: every compile failure made `validate` exit 4 through a custom lifecycle's earlier run.
/// </summary>
public sealed class DependencyOutcomeValidationTests
{
    private static void Depends(StoreFixture f, string id, string on) => f.Store.Update(id, r => r.Dependencies.Add(on));

    [Fact]
    public void A_dependency_that_failed_after_the_build_succeeded_is_no_problem()
    {
        using var f = new StoreFixture();
        f.Run("lib", "r1", StoreFixture.FullRun);
        f.Run("app", "r1", StoreFixture.FullRun);
        Depends(f, "app", "lib");
        Thread.Sleep(20); // the failure comes strictly later
        f.Store.StartRun("lib", new StartRunRequest { RunId = "r2" });
        f.Store.EndRun("lib", RunOutcome.Failed, "the compile failed");

        var report = new StoreValidator(f.Store).Validate();

        Assert.DoesNotContain(report.Problems, p => p.Message.Contains("but its dependency", StringComparison.Ordinal));
    }

    [Fact]
    public void A_build_that_succeeded_after_its_dependency_had_failed_is_reported()
    {
        using var f = new StoreFixture();
        f.Store.StartRun("lib", new StartRunRequest { RunId = "r1" });
        f.Store.EndRun("lib", RunOutcome.Failed, "the compile failed");
        Thread.Sleep(20);
        f.Run("app", "r2", StoreFixture.FullRun);
        Depends(f, "app", "lib");

        var report = new StoreValidator(f.Store).Validate();

        Assert.Contains(report.Problems, p => p.Message == "the build succeeded but its dependency 'lib' is Failed; build 'lib' again, then this build");
    }
}
