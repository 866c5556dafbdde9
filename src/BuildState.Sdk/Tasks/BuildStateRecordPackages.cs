using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Records the packages a multi-targeted project's `dotnet pack` made. Pack runs in the outer
/// build, which has no run of its own (each inner build is the recorded build), so the package is
/// recorded as an artifact of every inner build it was packed from. Called by the SDK's targets
/// after Pack in an outer build; not meant for custom targets.
/// </summary>
public sealed class BuildStateRecordPackages : BuildStateTask
{
    [Required]
    public string ProjectPath { get; set; } = "";

    public string? Configuration { get; set; }

    /// <summary>The project's TargetFrameworks: one recorded build each.</summary>
    [Required]
    public string TargetFrameworks { get; set; } = "";

    /// <summary>BuildStateRoot: the store folder (default: .buildstate at the repository root).</summary>
    public string? StoreRoot { get; set; }

    public string Durability { get; set; } = "Normal";

    public int MaxCheckpoints { get; set; } = 10;

    public int MaxBackups { get; set; } = 5;

    /// <summary>BuildStateLockTimeout, in seconds.</summary>
    public int LockTimeout { get; set; } = RunSettings.DefaultLockTimeoutSeconds;

    /// <summary>The .nupkg and .snupkg files (Kind metadata optional).</summary>
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>The inner builds the packages were recorded for.</summary>
    [Output]
    public string[] RecordedFor { get; set; } = [];

    private protected override void ExecuteCore()
    {
        if (Files.Length == 0 || UsableStoreRoot(ProjectPath, StoreRoot) is not { } root)
        {
            return;
        }

        var durability = ParseDurability(Durability, ProjectPath);
        var fullPath = Path.GetFullPath(ProjectPath);
        var store = Session.Store(root, () => RunStarter.Options(root, durability, MaxCheckpoints, MaxBackups, LockTimeout, Strict));
        var recorded = new List<string>();
        foreach (var framework in TargetFrameworks.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // An inner build that recorded nothing (recording off for it) gets nothing either.
            var buildId = StoreLocator.BuildId(Path.GetDirectoryName(root)!, fullPath, Configuration, framework);
            if (store.TryGet(buildId) is { Run: not null } && ArtifactRecorder.Record(store, buildId, Files) > 0)
            {
                recorded.Add(buildId);
            }
        }

        RecordedFor = [.. recorded];
    }
}
