using System.Diagnostics;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>
/// BuildState.Sdk and BuildState.Core packed from this repository into a local feed, once per test
/// run: every test class gets it as a class fixture (so the classes run two at a time, each build
/// being mostly one process waiting on another) and all of them share the one pack. The folder goes
/// when the test process exits.
/// </summary>
public sealed class PackageFeed
{
    private static readonly Lazy<(string RepoRoot, string Folder)> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    public PackageFeed()
    {
        (RepoRoot, Folder) = Packed.Value;
    }

    /// <summary>
    /// A version no real package has, so no cache or other feed can answer for it. Only the package's
    /// version (<c>PackageVersion</c>, not <c>Version</c>): the assemblies are those of the repository's
    /// own Release build, so packing reuses it instead of compiling everything again (and the next
    /// Release build, the benchmarks' in CI, reuses the pack's).
    /// </summary>
    public const string Version = "1.0.0-e2e";

    public string RepoRoot { get; }

    public string Folder { get; }

    private static (string RepoRoot, string Folder) Pack()
    {
        var repoRoot = FindRepoRoot();
        var folder = Path.Combine(Path.GetTempPath(), "bst-feed-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteFolder(folder);
        foreach (var project in new[] { "src/BuildState.Sdk/BuildState.Sdk.csproj", "src/BuildState.Core/BuildState.Core.csproj" })
        {
            var result = DotNet.Run(repoRoot, null, TimeSpan.FromMinutes(5), "pack", Path.Combine(repoRoot, project), "-c", "Release", "-o", folder, "-p:PackageVersion=" + Version, "-nodeReuse:false");
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"packing {project} failed:\n{result.Output}");
            }
        }

        return (repoRoot, folder);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BuildStateSdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find BuildStateSdk.sln above " + AppContext.BaseDirectory);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
