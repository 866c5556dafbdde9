using System.Diagnostics;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>
/// A real `dotnet build` of a project named Slow whose own target sleeps at a chosen point, started
/// and left running once the store shows the project in a given phase: for tests that cut a build
/// off (SIGKILL, SIGINT) at that point.
/// </summary>
internal static class SlowBuild
{
    /// <summary>
    /// Writes project Slow with a 60 s <c>sleep</c> in a target hooked by <paramref name="hook"/>
    /// (e.g. <c>AfterTargets="CoreCompile"</c>), starts its build and returns once the store shows
    /// its run in <paramref name="phase"/>.
    /// </summary>
    public static Process StartAndWaitForPhase(TestRepo repo, string hook, string phase)
    {
        repo.Project("Slow", extra: $"""
            <Target Name="TakeYourTime" {hook}>
              <Exec Command="sleep 60" />
            </Target>
            """);
        var info = DotNet.StartInfo(repo.Root, repo.NuGetPackages, "build", "src/Slow/Slow.csproj", "-nodeReuse:false");
        if (SigIntIgnored())
        {
            // Run from a background job of a shell without job control (`cmd &` in a script), this
            // process ignores SIGINT, every process it starts inherits that, and .NET then leaves it
            // ignored: the build would never see the Ctrl+C. GNU env puts the default back.
            info.ArgumentList.Insert(0, "--default-signal=INT");
            info.ArgumentList.Insert(1, info.FileName);
            info.FileName = "env";
        }

        var build = Process.Start(info)!;
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (repo.Store().TryGet(TestRepo.Id("Slow")) is not { Status: Model.RunStatus.Running } record || record.Phase != phase)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the build never reached the {phase} phase");
            Thread.Sleep(200);
        }

        Thread.Sleep(500);
        return build;
    }

    /// <summary>Sends SIGINT (what Ctrl+C sends) to the build's entry process and waits for it to stop.</summary>
    public static void Interrupt(Process build)
    {
        using (var interrupt = Process.Start("kill", ["-INT", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            interrupt.WaitForExit();
        }

        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(2)), "the build did not stop on SIGINT");
    }

    /// <summary>Whether this process ignores SIGINT (Linux: the SigIgn mask of /proc/self/status, bit 2 - 1).</summary>
    private static bool SigIntIgnored()
    {
        const string Status = "/proc/self/status";
        var line = File.Exists(Status) ? File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }
}
