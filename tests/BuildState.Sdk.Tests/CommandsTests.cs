using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>`dotnet test`, `pack` and `publish` record their own phases and artifacts.</summary>
public class CommandsTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void Dotnet_test_records_the_test_phase_and_a_failing_test_fails_the_run()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Calc");
        repo.Write("src/Calc.Tests/Calc.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                <ProjectReference Include="../Calc/Calc.csproj" />
              </ItemGroup>
            </Project>
            """);
        repo.Write("src/Calc.Tests/CalcTests.cs", """
            public class CalcTests
            {
                [Xunit.Fact] public void Answer() => Xunit.Assert.Equal(42, Calc.Api.Value);
            }
            """);
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj");
        var record = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], record.Transitions.Select(t => t.To));
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.True(record.Resources.PhaseDurationsMs["Test"] > 0);
        Assert.Equal(["before-test"], record.Checkpoints.Select(c => c.Name)); // none after the tests: the same files
        Assert.Equal(RunStatus.Succeeded, repo.Store().Get(TestRepo.Id("Calc")).Status); // the library: built, no tests
        Assert.Null(repo.Store().Get(TestRepo.Id("Calc")).Tests);
        var passed = Assert.IsType<TestResults>(record.Tests);
        Assert.Equal((1, 1, 0, 0), (passed.Total, passed.Passed, passed.Failed, passed.Skipped));
        Assert.Equal("src/Calc.Tests/obj/Debug/net10.0/buildstate-tests.trx", passed.Source);

        // A CI's test step after its build step: a run of its own that builds nothing, says so, and
        // names the bytes it tested; the library it references is not touched.
        var library = repo.Store().Get(TestRepo.Id("Calc")).RunId;
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj", "--no-build");
        var tested = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.NotEqual(record.RunId, tested.RunId);
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], tested.Transitions.Select(t => t.To));
        Assert.Equal(RunStatus.Succeeded, tested.Status);
        Assert.Equal("true", tested.Metadata["msbuild.noBuild"]);
        Assert.False(record.Metadata.ContainsKey("msbuild.noBuild"));
        var testedAssembly = Assert.Single(tested.Artifacts);
        Assert.Equal(("assembly", "src/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll"), (testedAssembly.Kind, testedAssembly.Path));
        Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(testedAssembly.Path)), testedAssembly.Sha256);
        var noBuildCounts = Assert.IsType<TestResults>(tested.Tests);
        Assert.Equal((1, 1, 0), (noBuildCounts.Total, noBuildCounts.Passed, noBuildCounts.Failed));
        Assert.Equal(library, repo.Store().Get(TestRepo.Id("Calc")).RunId);
        Assert.Equal(["before-test"], tested.Checkpoints.Select(c => c.Name)); // it built nothing to keep
        Assert.Equal([TestRepo.Id("Calc")], record.Dependencies);
        Assert.Equal(record.Dependencies, tested.Dependencies); // resolved no references: keeps its build's

        // `dotnet build` and `dotnet test` in turn with nothing changed: no checkpoint taken again,
        // none rotated out.
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj");
        var checkpoints = repo.Store().Get(TestRepo.Id("Calc.Tests")).Checkpoints.Select(c => c.Id).ToList();
        Assert.Equal(2, checkpoints.Count); // before-test, built
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj");
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj");
        Assert.Equal(checkpoints, repo.Store().Get(TestRepo.Id("Calc.Tests")).Checkpoints.Select(c => c.Id));

        repo.Write("src/Calc.Tests/FailingTests.cs", """
            public class FailingTests
            {
                [Xunit.Fact] public void Wrong() => Xunit.Assert.Equal(1, 2);
                [Xunit.Fact(Skip = "later")] public void Later() { }
            }
            """);
        Assert.NotEqual(0, repo.Dotnet("test", "src/Calc.Tests/Calc.Tests.csproj").ExitCode);
        var failed = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("Error", failed.Phase);
        Assert.Equal("Test", failed.Transitions[^1].From);
        var counts = Assert.IsType<TestResults>(failed.Tests);
        Assert.Equal((3, 1, 1, 1), (counts.Total, counts.Passed, counts.Failed, counts.Skipped));
        Assert.Equal("1 of 3 tests failed", failed.Run!.Reason);
        var wrong = Assert.Single(failed.Errors, e => e.Target == "VSTest");
        Assert.StartsWith("FailingTests.Wrong: Assert.Equal() Failure", wrong.Message);
        Assert.Equal(("src/Calc.Tests/FailingTests.cs", 3, "Test"), (wrong.File, wrong.Line, wrong.Phase));

        // The same failure without a build: the run fails in Test with the failing test recorded.
        Assert.NotEqual(0, repo.Dotnet("test", "src/Calc.Tests/Calc.Tests.csproj", "--no-build").ExitCode);
        var failedNoBuild = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.NotEqual(failed.RunId, failedNoBuild.RunId);
        Assert.Equal((RunStatus.Failed, "Test", "true"), (failedNoBuild.Status, failedNoBuild.Transitions[^1].From, failedNoBuild.Metadata["msbuild.noBuild"]));
        Assert.Equal(1, failedNoBuild.Tests!.Failed);
        Assert.Single(failedNoBuild.Errors, e => e.Target == "VSTest");

        // The user's own TRX logger is kept (a second one would replace it) and its file is read.
        File.Delete(repo.Path_("src/Calc.Tests/FailingTests.cs"));
        File.Delete(repo.Path_("src/Calc.Tests/obj/Debug/net10.0/buildstate-tests.trx"));
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj", "--logger", "trx;LogFileName=mine.trx");
        Assert.True(File.Exists(repo.Path_("src/Calc.Tests/TestResults/mine.trx")));
        var theirs = Assert.IsType<TestResults>(repo.Store().Get(TestRepo.Id("Calc.Tests")).Tests);
        Assert.Equal((1, 1, "src/Calc.Tests/TestResults/mine.trx"), (theirs.Total, theirs.Passed, theirs.Source));
        Assert.False(File.Exists(repo.Path_("src/Calc.Tests/obj/Debug/net10.0/buildstate-tests.trx"))); // no logger of ours beside theirs

        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj", "-p:BuildStateRecordTestResults=false");
        Assert.Null(repo.Store().Get(TestRepo.Id("Calc.Tests")).Tests);

        // Multi-targeted (TargetFrameworks, even with one): the inner build's tests get the run, the
        // outer build none.
        var csproj = repo.Path_("src/Calc.Tests/Calc.Tests.csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0</TargetFrameworks>"));
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj");
        var built = repo.Store().Get(TestRepo.Id("Calc.Tests")).RunId;
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj", "--no-build");
        var inner = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.NotEqual(built, inner.RunId);
        Assert.Equal((RunStatus.Succeeded, "true"), (inner.Status, inner.Metadata["msbuild.noBuild"]));
        Assert.Equal(1, inner.Tests!.Total);
        Assert.Equal(2, repo.Store().List().Count); // Calc and the inner build of Calc.Tests

        // A test project with a table of its own starts its run before PrepareForBuild (its targets
        // may drive the table): without a build that run still says it built nothing.
        repo.Write("src/Calc.Tests/release.buildstate.json", BuildState.Tests.Shared.SampleTables.Release);
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj");
        repo.Ok("test", "src/Calc.Tests/Calc.Tests.csproj", "--no-build");
        var withTable = repo.Store().Get(TestRepo.Id("Calc.Tests"));
        Assert.Equal((RunStatus.Succeeded, "true"), (withTable.Status, withTable.Metadata["msbuild.noBuild"]));
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], withTable.Transitions.Select(t => t.To));
    }

    [Fact]
    public void Dotnet_pack_records_the_package_as_an_artifact()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Pkg", extra: "<PropertyGroup><PackageId>Contoso.Pkg</PackageId><Version>2.1.0</Version></PropertyGroup>");
        repo.Ok("pack", "src/Pkg/Pkg.csproj", "-o", "out");
        var record = repo.Store().Get(TestRepo.Id("Pkg", "Release")); // dotnet pack builds Release by default
        var package = Assert.Single(record.Artifacts, a => a.Kind == "package");
        Assert.EndsWith("Contoso.Pkg.2.1.0.nupkg", package.Path);
        Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(package.Path)), package.Sha256);
        Assert.Equal(RunStatus.Succeeded, record.Status);
    }

    [Fact]
    public void A_multi_targeted_pack_records_the_package_with_each_inner_build()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Multi", targetFramework: "net10.0;netstandard2.0", extra: "<PropertyGroup><PackageId>Contoso.Multi</PackageId><Version>1.2.0</Version></PropertyGroup>");
        repo.Ok("pack", "src/Multi/Multi.csproj", "-o", "out");
        foreach (var tfm in new[] { "net10.0", "netstandard2.0" })
        {
            var record = repo.Store().Get(TestRepo.Id("Multi", "Release", tfm));
            var package = Assert.Single(record.Artifacts, a => a.Kind == "package");
            Assert.Equal("out/Contoso.Multi.1.2.0.nupkg", package.Path);
            Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(package.Path)), package.Sha256);
            Assert.Equal(RunStatus.Succeeded, record.Status);
        }

        Assert.Equal(2, repo.Store().List().Count); // the outer build is still not a build of its own
    }

    [Fact]
    public void A_build_that_packs_on_its_own_records_the_package_with_its_run()
    {
        // GeneratePackageOnBuild: `dotnet build` packs after Build, in the same project instance
        // (the outer build, for a multi-targeted project), as `dotnet pack` does after its build.
        using var repo = new TestRepo(feed);
        repo.Project("Pkg", extra: "<PropertyGroup><PackageId>Contoso.Pkg</PackageId><Version>4.0.0</Version><GeneratePackageOnBuild>true</GeneratePackageOnBuild></PropertyGroup>");
        repo.Project("Multi", targetFramework: "net10.0;netstandard2.0", extra: "<PropertyGroup><PackageId>Contoso.Multi</PackageId><Version>4.1.0</Version><GeneratePackageOnBuild>true</GeneratePackageOnBuild></PropertyGroup>");
        repo.Ok("build", "src/Pkg/Pkg.csproj");
        repo.Ok("build", "src/Multi/Multi.csproj");

        var record = repo.Store().Get(TestRepo.Id("Pkg"));
        Assert.Equal((RunStatus.Succeeded, "Complete"), (record.Status, record.Phase));
        Assert.Contains(record.Artifacts, a => a.Kind == "assembly");
        var package = Assert.Single(record.Artifacts, a => a.Kind == "package");
        Assert.Equal("src/Pkg/bin/Debug/Contoso.Pkg.4.0.0.nupkg", package.Path);
        Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(package.Path)), package.Sha256);
        foreach (var tfm in new[] { "net10.0", "netstandard2.0" })
        {
            var inner = repo.Store().Get(TestRepo.Id("Multi", "Debug", tfm));
            Assert.Equal(RunStatus.Succeeded, inner.Status);
            Assert.Equal("src/Multi/bin/Debug/Contoso.Multi.4.1.0.nupkg", Assert.Single(inner.Artifacts, a => a.Kind == "package").Path);
        }

        // A no-op build packs again: the package is this run's too.
        repo.Ok("build", "src/Pkg/Pkg.csproj");
        var again = repo.Store().Get(TestRepo.Id("Pkg"));
        Assert.NotEqual(record.RunId, again.RunId);
        Assert.Single(again.Artifacts, a => a.Kind == "package");
    }

    [Fact]
    public void Pack_and_publish_without_a_build_add_their_files_to_the_latest_run_of_the_build()
    {
        // A CI's steps: build, then pack and publish what was built. No run is open in the later
        // steps: the package and the published files go to the run that built them, as a
        // multi-targeted pack's package does, and as a pack that builds has it.
        using var repo = new TestRepo(feed);
        repo.Project("Pkg", exe: true, extra: "<PropertyGroup><PackageId>Contoso.Pkg</PackageId><Version>3.0.0</Version></PropertyGroup>");
        repo.Ok("build", "src/Pkg/Pkg.csproj", "-c", "Release");
        var built = repo.Store().Get(TestRepo.Id("Pkg", "Release"));
        int ArtifactEntries() => repo.Store().GetHistory(TestRepo.Id("Pkg", "Release")).Count(h => h.Kind == "artifacts");
        var entriesBefore = ArtifactEntries();

        repo.Ok("pack", "src/Pkg/Pkg.csproj", "--no-build", "-o", "out");
        repo.Ok("publish", "src/Pkg/Pkg.csproj", "--no-build", "-o", "pub");
        var record = repo.Store().Get(TestRepo.Id("Pkg", "Release"));
        Assert.Equal((built.RunId, RunStatus.Succeeded, "Complete"), (record.RunId, record.Status, record.Phase));
        Assert.Equal(built.Transitions.Count, record.Transitions.Count);
        Assert.False(record.Metadata.ContainsKey("msbuild.noBuild"));
        Assert.Contains(record.Artifacts, a => a.Kind == "assembly"); // the build's outputs stay
        var package = Assert.Single(record.Artifacts, a => a.Kind == "package");
        Assert.Equal("out/Contoso.Pkg.3.0.0.nupkg", package.Path);
        Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(package.Path)), package.Sha256);
        var published = record.Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path).ToList();
        Assert.Contains("pub/Pkg.dll", published);
        Assert.Contains("pub/Pkg.deps.json", published);
        Assert.Equal(entriesBefore + 2, ArtifactEntries()); // one for the package, one for the publish output

        // A build that was not recorded has no run to add to: nothing is recorded, and a message says why.
        repo.Ok("build", "src/Pkg/Pkg.csproj", "-p:BuildStateEnabled=false");
        var unrecorded = repo.Ok("pack", "src/Pkg/Pkg.csproj", "--no-build", "-c", "Debug", "-o", "out-debug", "-v:d");
        Assert.Contains("src/Pkg/Pkg.csproj|Debug|net10.0 has no recorded run", unrecorded.Output);
        Assert.Null(repo.Store().TryGet(TestRepo.Id("Pkg")));
    }

    [Fact]
    public void Dotnet_publish_records_the_published_files()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Web", exe: true);
        repo.Ok("publish", "src/Web/Web.csproj", "-o", "pub");
        var record = repo.Store().Get(TestRepo.Id("Web", "Release"));
        var published = record.Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path).ToList();
        Assert.Contains("pub/Web.dll", published);
        Assert.Contains("pub/Web.deps.json", published);
        Assert.Equal(RunStatus.Succeeded, record.Status);

        // Published again elsewhere: nothing compiles, and the copies keep the older write times of
        // what they copy (File.Copy on Unix). Their change time still makes them this run's files,
        // which `show` says; the build's own outputs are from before.
        repo.Ok("publish", "src/Web/Web.csproj", "-o", "pub2");
        record = repo.Store().Get(TestRepo.Id("Web", "Release"));
        var started = record.Run!.StartedAt;
        var copy = Assert.Single(record.Artifacts, a => a.Path == "pub2/Web.dll");
        var output = Assert.Single(record.Artifacts, a => a.Kind == "assembly" && a.Path.EndsWith("/Web.dll", StringComparison.Ordinal));
        Assert.True((output.ChangedUtc ?? output.LastWriteUtc) < started, "nothing compiled or copied to bin/ in the second publish");
        Assert.Equal(output.LastWriteUtc, copy.LastWriteUtc);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(copy.ChangedUtc >= started, $"the copy's change time {copy.ChangedUtc:O} is of this run, started {started:O}");
        }
    }

    [Fact]
    public void The_sdk_element_form_records_like_the_package_reference_form()
    {
        using var repo = new TestRepo(feed, viaDirectoryBuildProps: false);
        repo.Write("src/Tool/Tool.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="BuildState.Sdk" Version="{PackageFeed.Version}" />
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        repo.Write("src/Tool/Tool.cs", "namespace Tool; public static class T { }\n");
        repo.Ok("build", "src/Tool/Tool.csproj");
        Assert.Equal(RunStatus.Succeeded, repo.Store().Get(TestRepo.Id("Tool")).Status);
    }
}
