using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

/// <summary>
/// One build (project, configuration, target framework) built by several MSBuild instances in one
/// invocation, under other global properties: a reference's AdditionalProperties, or each
/// RuntimeIdentifier of a RID-specific tool package. Instances that build at the same time record
/// one run, which the last to finish ends.
/// </summary>
public class BuildInstancesTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    /// <summary>
    /// Tool built as flavors A and B at once (-m), each into its own folders, each pausing after its
    /// compile so that the two overlap whatever the scheduling.
    /// </summary>
    private static TestRepo TwoFlavors(PackageFeed feed, string extra = "")
    {
        var repo = new TestRepo(feed);
        repo.Project("Tool", extra: $"""
            <PropertyGroup>
              <OutputPath>bin/$(Flavor)/</OutputPath>
              <IntermediateOutputPath>obj/$(Flavor)/</IntermediateOutputPath>
            </PropertyGroup>
            <Target Name="Linger" AfterTargets="CoreCompile"><Exec Command="sleep 3" /></Target>
            {extra}
            """);
        repo.Write("flavors.proj", """
            <Project DefaultTargets="Build">
              <ItemGroup>
                <Flavor Include="src/Tool/Tool.csproj" AdditionalProperties="Flavor=A" />
                <Flavor Include="src/Tool/Tool.csproj" AdditionalProperties="Flavor=B" />
              </ItemGroup>
              <Target Name="Restore"><MSBuild Projects="src/Tool/Tool.csproj" Targets="Restore" /></Target>
              <Target Name="Build"><MSBuild Projects="@(Flavor)" Targets="Build" BuildInParallel="true" /></Target>
            </Project>
            """);
        return repo;
    }

    [Fact]
    public void Two_instances_of_one_build_at_once_record_one_run_with_the_outputs_of_both()
    {
        using var repo = TwoFlavors(feed);
        repo.Ok("build", "flavors.proj", "-m:2");

        var store = repo.Store();
        var record = store.Get(TestRepo.Id("Tool"));
        Assert.Equal((RunStatus.Succeeded, "Complete"), (record.Status, record.Phase));
        Assert.Equal((2, 2), (record.Run!.Instances, record.Run.InstancesEnded));
        Assert.Equal(["Setup", "Build", "Cleanup", "Complete"], record.Transitions.Select(t => t.To));
        Assert.Contains(record.Artifacts, a => a.Path == "src/Tool/bin/A/net10.0/Tool.dll" && a.Kind == "assembly");
        Assert.Contains(record.Artifacts, a => a.Path == "src/Tool/bin/B/net10.0/Tool.dll" && a.Kind == "assembly");

        var history = store.GetHistory(TestRepo.Id("Tool"));
        Assert.Single(history, h => h.Kind == HistoryKinds.RunStarted);
        Assert.DoesNotContain(history, h => h.Kind == HistoryKinds.RunInterrupted); // was: "superseded by a new run before it ended"
        Assert.Single(history, h => h.Message?.Contains("joined by another writer of this invocation", StringComparison.Ordinal) == true);

        var report = new StoreValidator(store).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void One_instance_failing_fails_the_shared_run_and_keeps_the_outputs_of_the_other()
    {
        using var repo = TwoFlavors(feed, """
            <Target Name="FailB" AfterTargets="Linger" Condition="'$(Flavor)' == 'B'">
              <Error Code="FLAVOR1" Text="flavor B fails after its compile" />
            </Target>
            """);
        var result = repo.Dotnet("build", "flavors.proj", "-m:2");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FLAVOR1", result.Output);

        var record = repo.Store().Get(TestRepo.Id("Tool"));
        // A ends its part after its build, B's failure is closed at the end of the build: B is last.
        Assert.Equal((RunStatus.Failed, "Error"), (record.Status, record.Phase));
        Assert.NotNull(record.Run!.EndedAt); // no run is left Running once the command has ended
        Assert.Equal((2, 2), (record.Run.Instances, record.Run.InstancesEnded));
        Assert.Contains("a target failed", record.Run.Reason, StringComparison.Ordinal);
        Assert.Contains(record.Artifacts, a => a.Path == "src/Tool/bin/A/net10.0/Tool.dll");
        Assert.DoesNotContain(record.Checkpoints, c => c.Name == "built" && c.CreatedAt >= record.Run.StartedAt);
        Assert.DoesNotContain(repo.Store().GetHistory(TestRepo.Id("Tool")), h => h.Kind == HistoryKinds.RunInterrupted);
    }

    [Fact]
    public void A_RID_specific_tool_package_leaves_no_run_marked_interrupted()
    {
        // .NET 10's RID-specific tool packages build the project once per runtime identifier, at
        // the same time, under one build id: they superseded each other's runs before.
        using var repo = new TestRepo(feed);
        repo.Project("Tool", exe: true, extra: """
            <PropertyGroup>
              <PackAsTool>true</PackAsTool>
              <RuntimeIdentifiers>linux-x64;linux-musl-x64</RuntimeIdentifiers>
              <ToolPackageRuntimeIdentifiers>linux-x64;linux-musl-x64</ToolPackageRuntimeIdentifiers>
            </PropertyGroup>
            """);
        repo.Ok("pack", "src/Tool/Tool.csproj", "-c", "Release", "-o", "out");
        Assert.True(File.Exists(repo.Path_("out/Tool.linux-musl-x64.1.0.0.nupkg")));

        var id = TestRepo.Id("Tool", "Release");
        var history = repo.Store().GetHistory(id);
        Assert.DoesNotContain(history, h => h.Kind == HistoryKinds.RunInterrupted); // when the RID builds overlap, as they do here with -m
        var record = repo.Store().Get(id);
        Assert.Equal((RunStatus.Succeeded, "Complete"), (record.Status, record.Phase));

        // Shared or one after the other, the build's state lists every output of the pack: each
        // runtime identifier's assembly and package, and the outer build's.
        var paths = record.Artifacts.Select(a => a.Path).ToList();
        Assert.Contains(paths, p => p.EndsWith("/linux-x64/Tool.dll", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/linux-musl-x64/Tool.dll", StringComparison.Ordinal));
        Assert.Contains("src/Tool/bin/Release/net10.0/Tool.dll", paths);
        Assert.Contains("out/Tool.linux-x64.1.0.0.nupkg", paths);
        Assert.Contains("out/Tool.linux-musl-x64.1.0.0.nupkg", paths);
        Assert.Contains("out/Tool.1.0.0.nupkg", paths);
    }
}
