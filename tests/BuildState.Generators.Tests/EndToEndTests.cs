using System.Diagnostics;

namespace BuildState.Generators.Tests;

/// <summary>
/// A throwaway project outside the repository, built with a real <c>dotnet build</c>: the
/// generator loaded from its built assembly as an analyzer, the default-items props/targets
/// imported as a package would. (Packing BuildState.Core with the generator inside is tested with Core.)
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bst-e2e-" + Guid.NewGuid().ToString("N"));

    public EndToEndTests()
    {
        Directory.CreateDirectory(_dir);

        // Isolate from any Directory.Build.* / central package management above the temp folder.
        File.WriteAllText(Path.Combine(_dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_dir, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(_dir, "Directory.Packages.props"), "<Project />");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string CreateProject(string extraProperties = "")
    {
        var build = Path.Combine(TestHelper.RepoRoot, "src", "BuildState.Generators", "build");
        var analyzer = typeof(BuildStateGenerator).Assembly.Location;
        File.WriteAllText(Path.Combine(_dir, "app.csproj"), $"""
<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="{Path.Combine(build, "BuildState.Tables.props")}" />
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    {extraProperties}
  </PropertyGroup>
  <ItemGroup>
    <Analyzer Include="{analyzer}" />
  </ItemGroup>
  <Import Project="{Path.Combine(build, "BuildState.Tables.targets")}" />
</Project>
""");
        Directory.CreateDirectory(Path.Combine(_dir, "tables"));
        File.Copy(Path.Combine(TestHelper.RepoRoot, "tests", "BuildState.Generators.Tests", "Tables", "release.buildstate.json"), Path.Combine(_dir, "tables", "release.buildstate.json"));
        return _dir;
    }

    private (int ExitCode, string Output) Dotnet(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(240_000), "dotnet " + string.Join(" ", args) + " timed out");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void RealBuildGeneratesRunsAndReportsTableErrorsAtFileLineColumn()
    {
        CreateProject();
        File.WriteAllText(Path.Combine(_dir, "Program.cs"), """
using Contoso.Build;
var s = Release.Start().ToBuilt().ToSigned().ToPublished();
System.Console.WriteLine("phase=" + s.Phase + " can=" + ReleaseTransitions.CanTransition(ReleasePhase.Draft, ReleasePhase.Built));
""");
        var build = Dotnet("build", "-nr:false", "-v:q", "-clp:NoSummary");
        Assert.True(build.ExitCode == 0, build.Output);
        var run = Dotnet("bin/Debug/net10.0/app.dll");
        Assert.Contains("phase=Published can=True", run.Output);

        // A table error is a build error at file(line,col) with its BST id and help link.
        File.WriteAllText(Path.Combine(_dir, "Program.cs"), "System.Console.WriteLine(1);");
        var table = Path.Combine(_dir, "tables", "release.buildstate.json");
        File.WriteAllText(table, File.ReadAllText(table).Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\", \"Drafty\"]"));
        var bad = Dotnet("build", "-nr:false", "-v:q", "-clp:NoSummary");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains(Path.Combine("tables", "release.buildstate.json") + "(11,25): error BST0002: State 'Failed' has a transition to unknown state 'Drafty'", bad.Output);
        Assert.Contains("docs/diagnostics.md#bst0002", bad.Output);
    }

    [Fact]
    public void ATableErrorIsReportedOnceWhenCodeUsingTheTableDoesNotCompile()
    {
        // The code using the table fails too (its types are not generated): an error in a
        // declaration, after which the compiler runs no analyzer, so the table error must come
        // from the generator, once.
        CreateProject();
        File.WriteAllText(Path.Combine(_dir, "Program.cs"), "System.Console.WriteLine(Holder.Phase);\nstatic class Holder { public static Contoso.Build.ReleasePhase Phase; }");
        var table = Path.Combine(_dir, "tables", "release.buildstate.json");
        File.WriteAllText(table, File.ReadAllText(table).Replace("\"Failed\": [\"Draft\"]", "\"Failed\": [\"Draft\", \"Drafty\"]"));
        var bad = Dotnet("build", "-nr:false", "-v:q", "-clp:NoSummary");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("Program.cs(2,", bad.Output);
        var beforeSummary = bad.Output.Split("Build FAILED.")[0]; // MSBuild's summary repeats every error
        var lines = beforeSummary.Split('\n').Where(l => l.Contains("error BST", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, bad.Output);
        var line = lines[0];
        Assert.Contains(Path.Combine("tables", "release.buildstate.json") + "(11,25): error BST0002: State 'Failed' has a transition to unknown state 'Drafty'", line);
    }

    [Fact]
    public void DefaultItemsCanBeTurnedOff()
    {
        CreateProject("<EnableDefaultBuildStateItems>false</EnableDefaultBuildStateItems>");
        File.WriteAllText(Path.Combine(_dir, "Program.cs"), "System.Console.WriteLine(typeof(Contoso.Build.ReleasePhase));");
        var build = Dotnet("build", "-nr:false", "-v:q", "-clp:NoSummary");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("CS0246", build.Output);
    }
}
