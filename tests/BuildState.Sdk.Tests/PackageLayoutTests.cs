using System.IO.Compression;
using System.Runtime.InteropServices;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>What the BuildState.Sdk package holds, and which task assembly a build loads from it.</summary>
public class PackageLayoutTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly string[] ReadyToRunRids = ["linux-x64", "win-x64", "osx-arm64"];

    [Fact]
    public void The_package_holds_portable_and_ReadyToRun_tasks_and_nothing_MSBuild_already_loads()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Folder, $"BuildState.Sdk.{PackageFeed.Version}.nupkg"));
        var files = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("tasks/net10.0/BuildState.Sdk.Tasks.dll", files);
        Assert.Contains("tasks/net10.0/BuildState.Core.dll", files);
        foreach (var entry in new[] { "Sdk/Sdk", "build/BuildState.Sdk", "buildTransitive/BuildState.Sdk", "buildMultiTargeting/BuildState.Sdk" })
        {
            Assert.Contains(entry + ".props", files);
            Assert.Contains(entry + ".targets", files);
        }

        foreach (var rid in ReadyToRunRids)
        {
            Assert.Contains($"tasks/net10.0/{rid}/BuildState.Sdk.Tasks.dll", files);
            Assert.Contains($"tasks/net10.0/{rid}/BuildState.Core.dll", files);
        }

        Assert.Contains("analyzers/dotnet/cs/BuildState.Generators.dll", files);

        // The recorder of Microsoft.Testing.Platform sessions, runnable with `dotnet` beside the
        // portable BuildState.Core, and the hook compiled into test applications.
        Assert.Contains("tasks/net10.0/BuildState.Sdk.TestRecorder.dll", files);
        Assert.Contains("tasks/net10.0/BuildState.Sdk.TestRecorder.runtimeconfig.json", files);
        Assert.Contains("build/TestingPlatform/BuildStateTestingPlatformHook.cs", files);
        Assert.DoesNotContain(files, f => f.StartsWith("tasks/", StringComparison.Ordinal)
            && (Path.GetFileName(f).StartsWith("Microsoft.Build", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("System.", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_build_loads_the_ReadyToRun_tasks_of_its_platform_and_the_portable_ones_elsewhere()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("restore", "src/Lib");
        var chosen = repo.Ok("msbuild", "src/Lib", "-getProperty:BuildStateTasksAssembly").Output.Trim();
        var rid = RuntimeInformation.RuntimeIdentifier;
        var expected = ReadyToRunRids.Contains(rid) ? $"tasks/net10.0/{rid}/BuildState.Sdk.Tasks.dll" : "tasks/net10.0/BuildState.Sdk.Tasks.dll";
        Assert.EndsWith(expected, chosen.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.True(File.Exists(chosen), chosen);

        // A platform the package has no precompiled copy for gets the portable one.
        var other = repo.Ok("msbuild", "src/Lib", "-getProperty:BuildStateTasksAssembly", "-p:NETCoreSdkRuntimeIdentifier=freebsd-riscv64").Output.Trim();
        Assert.EndsWith("tasks/net10.0/BuildState.Sdk.Tasks.dll", other.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.True(File.Exists(other), other);

        // And the build works with it.
        repo.Ok("build", "src/Lib", "-nodeReuse:false");
    }
}
