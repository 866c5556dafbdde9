using System.Diagnostics;
using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DegradedModeTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void A_read_only_store_warns_BST1001_and_the_build_succeeds_and_strict_mode_fails_it()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Project("App", exe: true, references: "Lib");
        repo.Ok("build", "src/App/App.csproj");
        var before = repo.Store().Get(TestRepo.Id("Lib")).Sequence;

        using (Mounts.ReadOnly(repo.StoreRoot))
        {
            var result = repo.Ok("build", "src/App/App.csproj");
            Assert.Contains("cannot be used", result.Output);
            // One warning per store and build, not one per project (MSBuild repeats it in its summary).
            var warnings = result.Output.Split('\n').Where(l => l.Contains("warning BST1001", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
            Assert.True(warnings.Count == 1, string.Join("\n", warnings));

            var strict = repo.Dotnet("build", "src/App/App.csproj", "-p:BuildStateStrict=true");
            Assert.NotEqual(0, strict.ExitCode);
            Assert.Contains("error BST1001", strict.Output);
        }

        Assert.Equal(before, repo.Store().Get(TestRepo.Id("Lib")).Sequence);
    }

    [Fact]
    public void A_read_only_store_leaves_every_custom_lifecycle_task_doing_nothing_and_the_build_succeeds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateTransition Machine="Release" To="Built"><Output TaskParameter="Phase" PropertyName="T" /></BuildStateTransition>
              <BuildStateRecordArtifacts Machine="Release" Files="$(TargetPath)"><Output TaskParameter="Recorded" PropertyName="N" /></BuildStateRecordArtifacts>
              <BuildStateCheckpoint Machine="Release" Name="built"><Output TaskParameter="CheckpointId" PropertyName="Cp" /></BuildStateCheckpoint>
              <BuildStateRestore Machine="Release" Checkpoint="built"><Output TaskParameter="Phase" PropertyName="R" /></BuildStateRestore>
              <BuildStateQuery Machine="Release"><Output TaskParameter="Phase" PropertyName="Q" /></BuildStateQuery>
              <BuildStateValidate Tables="@(BuildStateMachine)" />
              <Message Importance="high" Text="OUTPUTS [$(T)] [$(N)] [$(Cp)] [$(R)] [$(Q)]" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", BuildState.Tests.Shared.SampleTables.Release);
        repo.Ok("build", "src/Shipping/Shipping.csproj");

        using (Mounts.ReadOnly(repo.StoreRoot))
        {
            var result = repo.Ok("build", "src/Shipping/Shipping.csproj");
            Assert.Contains("warning BST1001", result.Output);
            Assert.DoesNotContain("MSB4018", result.Output);
            Assert.Contains("OUTPUTS [] [0] [] [] []", result.Output);

            var strict = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:BuildStateStrict=true");
            Assert.NotEqual(0, strict.ExitCode);
            Assert.Contains("error BST1001", strict.Output);
            Assert.DoesNotContain("MSB4018", strict.Output);
        }
    }

    [Fact]
    public void The_store_warning_reads_as_a_build_message_without_the_command_line_tools_exit_code()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Write("plain-file", "not a folder");
        var result = repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRoot=" + repo.Path_("plain-file/store"));
        var warning = result.Output.Split('\n').First(l => l.Contains("warning BST1001", StringComparison.Ordinal));
        Assert.DoesNotContain("exit code", warning);
        Assert.Contains("(set BuildStateStrict=true to fail instead)", warning);
    }

    [Fact]
    public void A_full_disk_warns_and_the_build_succeeds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        var full = Path.Combine(repo.Root, "full");
        using var mount = Mounts.Full(full);
        if (mount is null)
        {
            return; // mounting a tmpfs needs root; CI runs as root, so CI always runs this test
        }

        var result = repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRoot=" + Path.Combine(full, "store"));
        Assert.Contains("warning BST1001", result.Output);
        Assert.Contains("; free some space on that disk", result.Output); // what to do, which the system's message does not say
    }

    [Fact]
    public void A_store_that_fails_during_a_background_commit_is_reported_by_the_next_task_and_the_build_succeeds()
    {
        if (!Mounts.IsRoot)
        {
            return; // a read-only bind mount needs root; CI runs as root, so CI always runs this test
        }

        // Lib's last commit (outputs, Complete) runs on a background thread; the store turns
        // read-only while Lib pauses after compiling, so that commit fails. App, built next in the
        // same node (-m:1), reports it.
        using var repo = new TestRepo(feed);
        repo.Project("Lib", extra: """
            <Target Name="PauseAfterCompile" AfterTargets="CoreCompile">
              <Touch Files="$(MSBuildProjectDirectory)/../../compiled.flag" AlwaysCreate="true" />
              <Exec Command="sleep 4" />
            </Target>
            """);
        repo.Project("App", exe: true, references: "Lib");
        repo.Ok("build", "src/App/App.csproj"); // the store exists; Lib's and App's first runs recorded
        File.Delete(repo.Path_("compiled.flag"));

        var output = new System.Text.StringBuilder();
        using var build = Process.Start(DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "src/App/App.csproj", "-m:1", "-nodeReuse:false"))!;
        build.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        build.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!File.Exists(repo.Path_("compiled.flag")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the build never reached Lib's compile");
            Thread.Sleep(100);
        }

        using (Mounts.ReadOnly(repo.StoreRoot))
        {
            Assert.True(build.WaitForExit(TimeSpan.FromMinutes(3)), "the build did not end");
            build.WaitForExit();
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        Assert.True(build.ExitCode == 0, text);
        var warnings = text.Split('\n').Where(l => l.Contains("warning BST1001", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(warnings.Count == 1, text);
        Assert.Contains("read-only", warnings[0], StringComparison.OrdinalIgnoreCase);
        // Lib's failure, reported while App builds: Lib's own commit ran in the background.
        Assert.Contains("src_Lib_Lib_csproj", warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("App.csproj]", warnings[0], StringComparison.Ordinal);
        Assert.NotEqual(RunStatus.Succeeded, repo.Store().Get(TestRepo.Id("Lib")).Status); // its end was never written
    }

    [Fact]
    public void A_corrupt_store_is_repaired_or_warned_about_and_never_breaks_the_build()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj");
        var key = BuildKey.For(TestRepo.Id("Lib"));
        File.WriteAllText(Path.Combine(repo.StoreRoot, "index.json"), "{ not json");
        File.WriteAllText(Path.Combine(repo.StoreRoot, "active", key, "current_state.json"), "\0\0garbage");
        repo.Ok("build", "src/Lib/Lib.csproj");
        var record = repo.Store().Get(TestRepo.Id("Lib"));
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(repo.StoreRoot, "damaged", key)));
    }

    [Fact]
    public void A_store_written_by_a_newer_sdk_is_left_as_it_is_with_a_warning_and_the_build_succeeds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj");
        var state = Path.Combine(repo.StoreRoot, "active", BuildKey.For(TestRepo.Id("Lib")), "current_state.json");
        var newer = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(state), "\"schemaVersion\": *\\d+", "\"schemaVersion\": 99");
        File.WriteAllText(state, newer);

        File.AppendAllText(repo.Path_("src/Lib/Lib.cs"), "\n// changed\n");
        var result = repo.Ok("build", "src/Lib/Lib.csproj");
        Assert.Contains("warning BST1001", result.Output);
        Assert.Contains("written by a newer BuildState (schema 99", result.Output);
        Assert.Equal(newer, File.ReadAllText(state)); // not rewritten in the older format, not moved aside
        Assert.False(Directory.Exists(Path.Combine(repo.StoreRoot, "damaged")));
    }

    [Fact]
    public void A_build_killed_midway_leaves_its_run_to_be_marked_interrupted_later()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Other");
        var id = TestRepo.Id("Slow");
        using var build = SlowBuild.StartAndWaitForPhase(repo, "AfterTargets=\"CoreCompile\"", "Build");
        build.Kill(entireProcessTree: true); // SIGKILL: no end-of-build hook runs
        build.WaitForExit();
        Assert.Equal(RunStatus.Running, repo.Store().Get(id).Status);
        var writers = Path.Combine(repo.StoreRoot, "locks", "writers");
        var left = Directory.GetFiles(writers, "*.json"); // the killed node's trace
        Assert.NotEmpty(left);

        repo.Ok("build", "src/Other/Other.csproj"); // the next build that uses the store finds it and sweeps
        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Interrupted, record.Status);
        Assert.Equal("Build", record.Phase);
        Assert.Contains("is gone", record.Run!.Reason);
        Assert.Empty(Directory.GetFiles(writers, "*.json")); // the trace is gone, and so is the last build's own file
    }

    [Fact]
    public void Ctrl_C_mid_build_ends_the_run_interrupted_and_leaves_nothing_running()
    {
        using var repo = new TestRepo(feed);
        var id = TestRepo.Id("Slow");
        using var build = SlowBuild.StartAndWaitForPhase(repo, "AfterTargets=\"CoreCompile\"", "Build");
        SlowBuild.Interrupt(build);
        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Interrupted, record.Status); // recorded by the build itself, at its cancelled end
        Assert.Equal("the build was cancelled", record.Run!.Reason);
        Assert.NotNull(record.Run.EndedAt);
    }

    [Fact]
    public void A_lock_held_by_a_stuck_process_makes_the_build_give_up_on_the_store_in_seconds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj");
        var lockFile = Directory.GetFiles(Path.Combine(repo.StoreRoot, "locks"), "src_Lib_Lib_csproj_Debug_net10_0-*.lock").Single();

        // Another process holds the build's lock and does not let go (a hung or stopped CLI): the
        // store would wait 60 s for it; a build gives up after BuildStateLockTimeout (5 s).
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", lockFile, "sleep", "90"]))!;
        try
        {
            Thread.Sleep(1000);
            repo.Write("src/Lib/Changed.cs", "namespace Lib; public static class Changed { }\n");
            var timer = Stopwatch.StartNew();
            var result = repo.Ok("build", "src/Lib/Lib.csproj");
            timer.Stop();
            Assert.False(holder.HasExited, "the lock was not held for the whole build");
            var warning = result.Output.Split('\n').First(l => l.Contains("warning BST1001", StringComparison.Ordinal));
            Assert.Matches(@"timed out after 5(\.\d)? s waiting for the lock", warning);
            Assert.True(timer.Elapsed < TimeSpan.FromSeconds(40), $"the build took {timer.Elapsed.TotalSeconds:0} s with the lock held");

            // Tunable, and checked like the other properties.
            var shorter = repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateLockTimeout=2");
            Assert.Matches(@"timed out after 2(\.\d)? s waiting for the lock", shorter.Output);
            var bad = repo.Dotnet("build", "src/Lib/Lib.csproj", "-p:BuildStateLockTimeout=0");
            Assert.Contains("error BST1002: BuildStateLockTimeout must be a whole number of seconds from 1 up, not '0'", bad.Output);

            var strict = repo.Dotnet("build", "src/Lib/Lib.csproj", "-p:BuildStateStrict=true", "-p:BuildStateLockTimeout=1");
            Assert.NotEqual(0, strict.ExitCode);
            Assert.Contains("error BST1001", strict.Output);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
    }
}
