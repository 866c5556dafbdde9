using System.Text.Json;
using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>
/// The SDK's own PackageReference, left out of a build's items when it is the project's only one
/// (docs/msbuild.md, "The SDK's own PackageReference"): the .NET SDK's package targets then do not
/// run, and restore, the recording and the tools that list packages see no difference.
/// </summary>
public class OwnPackageReferenceTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    // How a detailed log names a target that runs (one whose condition is false is not logged at all).
    private const string PackageTargetRan = "Target \"ApplyImplicitVersions\" in file";
    private const string OwnTargetRan = "Target \"_BuildStateLeavePackageReference\" in file";

    [Fact]
    public void A_build_whose_only_package_is_the_SDK_skips_the_package_targets_and_keeps_the_package_restored()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Project("App", exe: true, references: "Lib");
        repo.Ok("build", "src/App/App.csproj");
        var first = repo.Store().Get(TestRepo.Id("App")).RunId;

        var noOp = repo.Ok("build", "src/App/App.csproj", "--no-restore", "-v:d");
        Assert.Contains(OwnTargetRan, noOp.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PackageTargetRan, noOp.Output, StringComparison.Ordinal);
        var record = repo.Store().Get(TestRepo.Id("App"));
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.NotEqual(first, record.RunId);

        // Restore and Build in one evaluation: restore runs first and still sees the package, so the
        // assets file keeps it and the next build still records.
        repo.Ok("msbuild", "src/App/App.csproj", "-t:Restore;Build");
        Assert.Contains("BuildState.Sdk", AssetsLibraries(repo, "src/App/obj/project.assets.json"));
        var again = repo.Ok("build", "src/App/App.csproj");
        Assert.Contains("0 Warning(s)", again.Output, StringComparison.Ordinal);
        Assert.NotEqual(record.RunId, repo.Store().Get(TestRepo.Id("App")).RunId);

        // What lists packages evaluates the project: it still sees the reference.
        var listed = DotNet.Run(repo.Root, repo.NuGetPackages, TimeSpan.FromMinutes(2), ["list", "src/App/App.csproj", "package"]);
        Assert.True(listed.ExitCode == 0, listed.Output);
        Assert.Contains("BuildState.Sdk", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_with_other_packages_or_a_public_reference_keeps_its_items_as_they_are()
    {
        using var repo = new TestRepo(feed, viaDirectoryBuildProps: false);
        repo.Project("WithCore", extra: $"""
            <ItemGroup>
              <PackageReference Include="BuildState.Sdk" Version="{PackageFeed.Version}" PrivateAssets="all" />
              <PackageReference Include="BuildState.Core" Version="{PackageFeed.Version}" />
            </ItemGroup>
            """);
        repo.Project("Public", extra: $"""<ItemGroup><PackageReference Include="BuildState.Sdk" Version="{PackageFeed.Version}" /></ItemGroup>""");
        foreach (var project in new[] { "WithCore", "Public" })
        {
            repo.Ok("build", $"src/{project}/{project}.csproj");
            var noOp = repo.Ok("build", $"src/{project}/{project}.csproj", "--no-restore", "-v:d");
            Assert.Contains(PackageTargetRan, noOp.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(OwnTargetRan, noOp.Output, StringComparison.Ordinal);
            Assert.Equal(RunStatus.Succeeded, repo.Store().Get(TestRepo.Id(project)).Status);
        }
    }

    private static List<string> AssetsLibraries(TestRepo repo, string assets)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(repo.Path_(assets)));
        return document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
    }
}
