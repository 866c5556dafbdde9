using System.Diagnostics;
using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

public class IncrementalAndParallelTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void A_second_no_op_build_compiles_nothing_and_still_records_its_run()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Project("App", exe: true, references: "Lib");
        repo.Ok("build", "src/App/App.csproj");
        var compiled = new[] { "src/Lib/obj/Debug/net10.0/Lib.dll", "src/App/obj/Debug/net10.0/App.dll" }
            .ToDictionary(p => p, p => File.GetLastWriteTimeUtc(repo.Path_(p)));
        var firstRun = repo.Store().Get(TestRepo.Id("App")).RunId;

        var second = repo.Ok("build", "src/App/App.csproj", "-v:n");
        foreach (var (path, stamp) in compiled)
        {
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(repo.Path_(path))); // CoreCompile skipped: nothing that feeds it changed
        }

        Assert.Contains("Skipping target \"CoreCompile\" because all output files are up-to-date", second.Output);
        Assert.DoesNotContain(".buildstate", second.Output.Split('\n').Where(l => l.Contains("Input file", StringComparison.Ordinal) || l.Contains("out of date", StringComparison.Ordinal)).FirstOrDefault() ?? "");
        var record = repo.Store().Get(TestRepo.Id("App"));
        Assert.NotEqual(firstRun, record.RunId);
        Assert.Equal(RunStatus.Succeeded, record.Status);
    }

    [Fact]
    public void Two_invocations_at_once_on_one_repository_record_everything_without_lock_timeouts_under_a_run_id_each()
    {
        using var repo = new TestRepo(feed);
        // P0 and P4 each wait, once built, until the other command's has been: so the two commands
        // overlap, and each command's nodes join the invocation registry while the other's is open.
        repo.Project("P0", extra: Barrier("a.ready", "b.ready"));
        repo.Project("P4", extra: Barrier("b.ready", "a.ready"));
        foreach (var name in new[] { "P1", "P2", "P3", "P5", "P6", "P7" })
        {
            repo.Project(name);
        }

        repo.Traversal("a.proj", "P0", "P1", "P2", "P3");
        repo.Traversal("b.proj", "P4", "P5", "P6", "P7");
        repo.Ok("restore", "a.proj");
        repo.Ok("restore", "b.proj");
        // The same environment, no BuildStateRunId: only the commands' own processes tell them apart.
        var a = Process.Start(DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "a.proj", "-m", "--no-restore", "-nodeReuse:false"))!;
        var b = Process.Start(DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "b.proj", "-m", "--no-restore", "-nodeReuse:false"))!;
        var outputs = new[] { a, b }.Select(p => Task.Run(() => p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd())).ToArray();
        Assert.True(a.WaitForExit(TimeSpan.FromMinutes(5)) && b.WaitForExit(TimeSpan.FromMinutes(5)));
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, outputs[0].Result + outputs[1].Result);
        Assert.DoesNotContain("BST1001", outputs[0].Result + outputs[1].Result);

        var store = repo.Store();
        var builds = store.List();
        Assert.Equal(8, builds.Count);
        Assert.All(builds, x => Assert.Equal(RunStatus.Succeeded, x.Status));
        var first = builds.Where(x => x.Id.CompareTo("src/P4") < 0).Select(x => store.Get(x.Id)).ToList();
        var second = builds.Where(x => x.Id.CompareTo("src/P4") >= 0).Select(x => store.Get(x.Id)).ToList();
        var idA = Assert.Single(first.Select(r => r.RunId).Distinct());
        var idB = Assert.Single(second.Select(r => r.RunId).Distinct());
        Assert.NotEqual(idA, idB);
        // Each command built in its entry process and in a worker node (while one waits at the
        // barrier, the other builds the rest): both kinds of node named the same entry.
        Assert.True(first.Select(r => r.Resources.ProcessId).Distinct().Count() >= 2, "command a built in one process only");
        Assert.True(second.Select(r => r.Resources.ProcessId).Distinct().Count() >= 2, "command b built in one process only");
        var report = new StoreValidator(store).Validate();
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    /// <summary>A target that, once the project is built, marks it and waits (up to 2 minutes) until the other command's project has been.</summary>
    internal static string Barrier(string mine, string theirs) => $"""
        <Target Name="WaitForTheOtherCommand" AfterTargets="Build">
          <Touch Files="$(MSBuildProjectDirectory)/../../{mine}" AlwaysCreate="true" />
          <Exec Command="timeout 120 sh -c 'until [ -f $(MSBuildProjectDirectory)/../../{theirs} ]; do sleep 0.1; done'" />
        </Target>
        """;
}
