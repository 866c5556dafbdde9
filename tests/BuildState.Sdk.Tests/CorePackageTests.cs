using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>The generator as users get it from the BuildState.Core package, through real `dotnet build`/`run`.</summary>
public class CorePackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private const string Table = BuildState.Tests.Shared.SampleTables.Release;

    private static TestRepo Repo(PackageFeed feed, string program, bool withSdk = false)
    {
        var repo = new TestRepo(feed, viaDirectoryBuildProps: withSdk);
        repo.Write("src/Tool/Tool.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="BuildState.Core" Version="{PackageFeed.Version}" /></ItemGroup>
            </Project>
            """);
        repo.Write("src/Tool/release.buildstate.json", Table);
        repo.Write("src/Tool/Program.cs", program);
        return repo;
    }

    [Fact]
    public void A_table_file_becomes_typestate_that_compiles_runs_and_plugs_into_the_store()
    {
        using var repo = Repo(feed, """
            using Contoso.Build;
            var end = Release.Start().ToBuilt().ToSigned().ToPublished();
            var again = Release.FromPhaseName("Built");
            System.Console.WriteLine($"{end.Phase} {ReleaseTransitions.IsTerminal(end.Phase)} {again.Phase} {ReleaseTransitions.Definition.Name} {string.Join(",", ReleaseTransitions.AllowedFrom(ReleasePhase.Draft))}");
            """);
        var result = repo.Ok("run", "--project", "src/Tool");
        Assert.Contains("Published True Built Release Built,Failed", result.Output);
    }

    [Fact]
    public void With_the_sdk_too_the_generator_is_cores_copy_and_only_one()
    {
        // The generated code calls Core's API, so the generator must be the one of the Core package
        // the project compiles against, not the copy the SDK brings (their versions may differ).
        using var repo = Repo(feed, "System.Console.WriteLine(Contoso.Build.Release.Start().ToBuilt().Phase);\n", withSdk: true);
        var result = repo.Ok("build", "src/Tool", "-t:Build", "-getItem:Analyzer");
        var generators = result.Output.Split('"').Where(s => s.EndsWith("BuildState.Generators.dll", StringComparison.Ordinal)).Distinct().ToList();
        var generator = Assert.Single(generators);
        Assert.Contains($"{Path.DirectorySeparatorChar}buildstate.core{Path.DirectorySeparatorChar}", generator);
        Assert.Contains("Built", repo.Ok("run", "--project", "src/Tool", "--no-build").Output);
        Assert.Equal(BuildState.Model.RunStatus.Succeeded, repo.Store().Get(TestRepo.Id("Tool")).Status); // and the SDK recorded the build
    }

    [Fact]
    public void Deleting_a_table_that_code_uses_fails_the_next_build_instead_of_keeping_its_old_types()
    {
        using var repo = Repo(feed, "System.Console.WriteLine(Contoso.Build.Release.Start().ToBuilt().Phase);\n");
        repo.Ok("build", "src/Tool");
        File.Delete(repo.Path_("src/Tool/release.buildstate.json"));

        // CoreCompile's inputs see a table that changed, not one that is gone: the table files are
        // in the hash that decides whether the compile is up to date, as Compile items are.
        var result = repo.Dotnet("build", "src/Tool");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("error CS0(103|234|246)", result.Output); // the table's namespace and types are gone
    }

    [Fact]
    public void An_illegal_chain_does_not_compile()
    {
        using var repo = Repo(feed, "Contoso.Build.Release.Start().ToPublished();\n");
        var result = repo.Dotnet("build", "src/Tool");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error CS1061", result.Output);
        Assert.Contains("ToPublished", result.Output);
    }

    [Fact]
    public void A_bad_table_is_a_compile_error_at_its_position_and_generates_nothing()
    {
        using var repo = Repo(feed, "System.Console.WriteLine(1);\n");
        repo.Write("src/Tool/release.buildstate.json", Table.Replace("\"Signed\", \"Failed\"]", "\"Sined\", \"Failed\"]"));
        var result = repo.Dotnet("build", "src/Tool");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(@"release\.buildstate\.json\(9,\d+\): error BST0002", result.Output);
        Assert.DoesNotContain("CS8785", result.Output); // the generator never fails
    }
}
