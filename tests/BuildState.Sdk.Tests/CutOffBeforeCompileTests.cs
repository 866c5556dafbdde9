using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

/// <summary>
/// A build cut off during a project's own targets before its compile (a code generator, a
/// BeforeBuild step): a project whose sources changed has started its run in Setup, so the cut is
/// recorded; a no-op build still starts its run only before CoreCompile (two task calls per
/// project, docs/msbuild.md).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CutOffBeforeCompileTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private const string BeforeCompile = "BeforeTargets=\"CoreCompile\"";

    [Fact]
    public void Ctrl_C_in_a_target_before_the_compile_of_a_changed_project_ends_its_run_interrupted_in_Setup()
    {
        using var repo = new TestRepo(feed);
        using var build = SlowBuild.StartAndWaitForPhase(repo, BeforeCompile, "Setup");
        SlowBuild.Interrupt(build);
        var record = repo.Store().Get(TestRepo.Id("Slow"));
        Assert.Equal(RunStatus.Interrupted, record.Status);
        Assert.Equal("Setup", record.Phase);
        Assert.Equal("the build was cancelled", record.Run!.Reason);
    }

    [Fact]
    public void A_build_killed_in_a_BeforeBuild_step_of_a_changed_project_leaves_a_run_the_next_build_marks_interrupted()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Other");
        using var build = SlowBuild.StartAndWaitForPhase(repo, "BeforeTargets=\"BeforeBuild\"", "Setup");
        build.Kill(entireProcessTree: true); // SIGKILL: no end-of-build hook runs
        build.WaitForExit();
        Assert.Equal(RunStatus.Running, repo.Store().Get(TestRepo.Id("Slow")).Status);

        repo.Ok("build", "src/Other/Other.csproj"); // the next build that uses the store sweeps
        var record = repo.Store().Get(TestRepo.Id("Slow"));
        Assert.Equal(RunStatus.Interrupted, record.Status);
        Assert.Equal("Setup", record.Phase);
        Assert.Contains("is gone", record.Run!.Reason);
    }

    [Fact]
    public void A_changed_project_starts_its_run_in_Setup_and_a_no_op_build_starts_it_before_the_compile()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        var id = TestRepo.Id("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj"); // first build: nothing compiled yet
        repo.Ok("build", "src/Lib/Lib.csproj"); // no-op
        File.AppendAllText(Path.Combine(repo.Root, "src", "Lib", "Added.cs"), "namespace Lib; public static class Added { }\n");
        repo.Ok("build", "src/Lib/Lib.csproj"); // a source added

        var starts = repo.Store().GetHistory(id).Where(h => h.Kind == HistoryKinds.RunStarted).Select(h => h.To).ToList();
        Assert.Equal(["Setup", "Build", "Setup"], starts);
        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Equal(["Init", "Setup", "Build", "Cleanup", "Complete"], [record.Transitions[0].From, .. record.Transitions.Select(t => t.To)]);
    }
}
