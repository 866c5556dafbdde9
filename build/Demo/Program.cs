using System.Diagnostics;

// dotnet run --project build/Demo
//   1. packs BuildState.Sdk, BuildState.Core and BuildState.Cli into artifacts/packages
//   2. builds and tests samples/MultiProject with the SDK (one line in its Directory.Build.props)
//   3. builds samples/ReleaseLifecycle, whose own release table is driven from its targets
//   4. shows the recorded state with the `buildstate` command
// The samples restore from a private NuGet cache (artifacts/nuget-cache), which keeps a stale copy of
// the 1.0.0 packages out of the way. The repository's own pack and build use the usual cache: with
// another one, their restore would write another package root into every project's obj/*.nuget.g.props,
// and the next `dotnet test` or build in the usual cache would rewrite it and so compile every project
// again (as it did in CI: the SDK tests' pack, then the benchmarks' Native AOT link, about a minute).
var repo = FindRepo();
var packages = Path.Combine(repo, "artifacts", "packages");
var cache = Path.Combine(repo, "artifacts", "nuget-cache");
foreach (var stale in Directory.Exists(cache) ? Directory.GetDirectories(cache, "buildstate.*") : [])
{
    Directory.Delete(stale, recursive: true);
}

var multi = Path.Combine(repo, "samples", "MultiProject");
var release = Path.Combine(repo, "samples", "ReleaseLifecycle");
var cli = Path.Combine(repo, "artifacts", "cli", "buildstate.dll");

Step("Packing the SDK", repo, "pack", "BuildStateSdk.sln", "-c", "Release", "-o", packages, "-nodeReuse:false", "-v:q");
Step("Building the CLI", repo, "build", "src/BuildState.Cli", "-c", "Release", "-o", Path.Combine(repo, "artifacts", "cli"), "-nodeReuse:false", "-v:q");
Step("Building samples/MultiProject with -m", multi, "build", "-m", "-nodeReuse:false", "-v:m");
Step("Testing samples/MultiProject", multi, "test", "-nodeReuse:false", "-v:q");
Step("Building samples/ReleaseLifecycle", release, "build", "Shipping", "-nodeReuse:false", "-v:m");
Step("buildstate status (samples/MultiProject)", multi, cli, "status");
Step("buildstate show Contoso.Api", multi, cli, "show", "Contoso.Api");
Step("buildstate status (samples/ReleaseLifecycle)", release, cli, "status");
Step("buildstate validate (samples/MultiProject)", multi, cli, "validate");
Console.WriteLine($"\nThe stores: {Path.Combine(multi, ".buildstate")} and {Path.Combine(release, ".buildstate")}");
Console.WriteLine($"""

    Look further with the CLI just built (any verb of docs/cli.md, from a sample's folder):
      cd {Path.GetRelativePath(Environment.CurrentDirectory, multi)} && dotnet {cli} history Contoso.Api
      dotnet {cli} report -o build-report.html
    or install it as a tool from the packages: dotnet tool install --global BuildState.Cli --add-source {packages}
    """);
return 0;

void Step(string title, string directory, params string[] args)
{
    Console.WriteLine($"\n== {title}");
    var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false };
    foreach (var arg in args)
    {
        info.ArgumentList.Add(arg);
    }

    if (!string.Equals(directory, repo, StringComparison.Ordinal))
    {
        info.Environment["NUGET_PACKAGES"] = cache; // the samples only (above)
    }

    info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    info.Environment["DOTNET_NOLOGO"] = "1";
    using var process = Process.Start(info)!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        Console.Error.WriteLine($"failed: dotnet {string.Join(' ', args)} (exit code {process.ExitCode})");
        Environment.Exit(process.ExitCode);
    }
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "BuildStateSdk.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run this from inside the BuildStateSdk repository");
}
