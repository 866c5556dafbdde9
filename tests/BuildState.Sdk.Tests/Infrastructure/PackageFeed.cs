using System.Diagnostics;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>Packs BuildState.Sdk and BuildState.Core from this repository once per test run into a local feed.</summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        RepoRoot = FindRepoRoot();
        Folder = Path.Combine(Path.GetTempPath(), "bst-feed-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        foreach (var project in new[] { "src/BuildState.Sdk/BuildState.Sdk.csproj", "src/BuildState.Core/BuildState.Core.csproj" })
        {
            var result = DotNet.Run(RepoRoot, null, TimeSpan.FromMinutes(5), "pack", Path.Combine(RepoRoot, project), "-c", "Release", "-o", Folder, "-p:Version=" + Version, "-nodeReuse:false");
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"packing {project} failed:\n{result.Output}");
            }
        }
    }

    /// <summary>A version no real package has, so no cache can answer for it.</summary>
    public const string Version = "1.0.0-e2e";

    public string RepoRoot { get; }

    public string Folder { get; }

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

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition("e2e", DisableParallelization = true)]
public sealed class EndToEndCollection : ICollectionFixture<PackageFeed>
{
}
