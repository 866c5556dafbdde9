using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>
/// A failed `dotnet pack` or `dotnet publish` fails the run it belongs to. Pack and Publish run after
/// Build has completed the run (Build -> Cleanup -> Complete), so without this a failed pack left
/// the build Succeeded, with no error.
/// </summary>
public class PackPublishFailureTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private const string Readme = "<PropertyGroup><PackageId>Contoso.Pkg</PackageId><Version>1.0.0</Version><PackageReadmeFile>README.md</PackageReadmeFile></PropertyGroup><ItemGroup><None Include=\"README.md\" Pack=\"true\" PackagePath=\"\\\" Condition=\"Exists('README.md')\" /></ItemGroup>";

    [Fact]
    public void A_failed_pack_fails_the_builds_run_with_an_error_naming_pack_and_a_good_pack_succeeds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Pkg", extra: Readme);
        var id = TestRepo.Id("Pkg", "Release");

        // No README.md: the build succeeds, then the pack fails (NU5039).
        var failed = repo.Dotnet("pack", "src/Pkg/Pkg.csproj", "-o", "out");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("NU5039", failed.Output);
        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("Complete", record.Phase); // the build itself completed
        var error = Assert.Single(record.Errors);
        Assert.Equal("Pack", error.Target);
        Assert.StartsWith("Pack failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("pack step failed", record.Run!.Reason, StringComparison.Ordinal);
        Assert.Contains(record.Artifacts, a => a.Kind == "assembly"); // the build's outputs stay
        Assert.DoesNotContain(record.Artifacts, a => a.Kind == "package");

        // With the README the same pack succeeds, with its package.
        repo.Write("src/Pkg/README.md", "# Pkg\n");
        repo.Ok("pack", "src/Pkg/Pkg.csproj", "-o", "out");
        record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Empty(record.Errors);
        Assert.Equal("out/Contoso.Pkg.1.0.0.nupkg", Assert.Single(record.Artifacts, a => a.Kind == "package").Path);

        // --no-build: the failure goes to the build's latest run, as the package would have.
        File.Delete(repo.Path_("src/Pkg/README.md"));
        repo.Ok("build", "src/Pkg/Pkg.csproj", "-c", "Release");
        var built = repo.Store().Get(id);
        Assert.Equal(RunStatus.Succeeded, built.Status);
        var noBuild = repo.Dotnet("pack", "src/Pkg/Pkg.csproj", "--no-build", "-o", "out2");
        Assert.NotEqual(0, noBuild.ExitCode);
        record = repo.Store().Get(id);
        Assert.Equal((built.RunId, RunStatus.Failed, "Complete"), (record.RunId, record.Status, record.Phase));
        Assert.Equal("Pack", Assert.Single(record.Errors).Target);
    }

    [Fact]
    public void A_failed_pack_of_a_multi_targeted_project_fails_each_inner_builds_run()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Multi", targetFramework: "net10.0;netstandard2.0", extra: Readme);
        var failed = repo.Dotnet("pack", "src/Multi/Multi.csproj", "-o", "out");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("NU5039", failed.Output);
        foreach (var tfm in new[] { "net10.0", "netstandard2.0" })
        {
            var record = repo.Store().Get(TestRepo.Id("Multi", "Release", tfm));
            Assert.Equal(RunStatus.Failed, record.Status);
            Assert.Equal("Pack", Assert.Single(record.Errors).Target);
        }

        Assert.Equal(2, repo.Store().List().Count); // the outer build is still not a build of its own
    }

    [Fact]
    public void A_failed_publish_fails_the_builds_run_and_a_good_publish_succeeds_with_its_files()
    {
        using var repo = new TestRepo(feed);
        repo.Project("App", exe: true);
        var id = TestRepo.Id("App", "Release");
        repo.Write("not-a-folder", "a file where the publish folder should be\n");

        var failed = repo.Dotnet("publish", "src/App/App.csproj", "-o", "not-a-folder");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("MSB3191", failed.Output);
        var record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("Complete", record.Phase);
        var error = Assert.Single(record.Errors);
        Assert.Equal("Publish", error.Target);
        Assert.StartsWith("Publish failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("publish step failed", record.Run!.Reason, StringComparison.Ordinal);

        repo.Ok("publish", "src/App/App.csproj", "-o", "pub");
        record = repo.Store().Get(id);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Empty(record.Errors);
        Assert.Contains("pub/App.dll", record.Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path));

        // A plain build (a no-op one too) runs no step task: pack and publish only.
        var build = repo.Ok("build", "src/App/App.csproj", "-c", "Release", "-v:d");
        Assert.DoesNotContain("BuildStateStep", build.Output);
        Assert.Equal(RunStatus.Succeeded, repo.Store().Get(id).Status);
    }
}
