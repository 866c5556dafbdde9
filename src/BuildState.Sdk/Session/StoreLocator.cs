namespace BuildState.Sdk.Session;

/// <summary>Where a project's store is: BuildStateRoot when set, else .buildstate at the repository root.</summary>
internal static class StoreLocator
{
    /// <summary>The repository root: the nearest ancestor holding .git (a folder, or a file in worktrees), else the project folder.</summary>
    public static string RepositoryRoot(string projectDirectory)
    {
        for (var dir = new DirectoryInfo(projectDirectory); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir.FullName;
            }
        }

        return Path.GetFullPath(projectDirectory);
    }

    public static string StoreRoot(string projectDirectory, string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(RepositoryRoot(projectDirectory), ".buildstate")
            : Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(projectDirectory, configured));

    /// <summary>The build id of DESIGN.md: project path relative to the repository root, forward slashes, then |Configuration|TargetFramework.</summary>
    public static string BuildId(string repositoryRoot, string projectPath, string? configuration, string? targetFramework)
    {
        var relative = Path.GetRelativePath(repositoryRoot, projectPath).Replace('\\', '/');
        return $"{relative}|{configuration}|{targetFramework}";
    }

    /// <summary>
    /// The builds of a project for each of <paramref name="targetFrameworks"/> (a ';'-separated
    /// list, as TargetFrameworks): those a multi-targeted project's pack, or a no-build pack or
    /// publish, made its files from. The repository is the one that holds <paramref name="storeRoot"/>.
    /// </summary>
    public static List<string> BuildIds(string storeRoot, string projectPath, string? configuration, string targetFrameworks) =>
        targetFrameworks.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(framework => BuildId(Path.GetDirectoryName(storeRoot)!, projectPath, configuration, framework))
            .ToList();
}
