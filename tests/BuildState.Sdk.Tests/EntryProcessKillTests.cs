using System.Diagnostics;
using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>
/// A CI runner or an IDE that kills the `dotnet build` process alone leaves its worker nodes
/// running: they lose the pipe, MSBuild cancels what they build, and the end of the build in each
/// node must record those runs as cut off (Interrupted), not as failed targets.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class EntryProcessKillTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void Killing_only_the_entry_process_ends_a_worker_nodes_run_interrupted()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Slow", extra: """
            <Target Name="TakeYourTime" AfterTargets="CoreCompile">
              <Exec Command="sleep 60" />
            </Target>
            """);
        var id = TestRepo.Id("Slow");
        var info = DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "src/Slow/Slow.csproj", "-nodeReuse:false");
        info.Environment["MSBUILDNOINPROCNODE"] = "1"; // the project builds in a worker node, as most do with -m
        using var build = Process.Start(info)!;
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (repo.Store().TryGet(id)?.Phase != "Build")
        {
            Assert.True(DateTime.UtcNow < deadline, "the build never reached the Build phase");
            Thread.Sleep(200);
        }

        Thread.Sleep(500);
        build.Kill(entireProcessTree: false); // SIGKILL to the entry process alone; its worker node lives on
        build.WaitForExit();

        deadline = DateTime.UtcNow.AddMinutes(2);
        while (repo.Store().TryGet(id)?.Run?.EndedAt is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker node never closed the run");
            Thread.Sleep(200);
        }

        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Interrupted, record.Status);
        Assert.Contains("entry process ended", record.Run!.Reason);
    }
}
