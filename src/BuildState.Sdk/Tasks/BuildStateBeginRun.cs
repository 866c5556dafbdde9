using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Starts the run of a project instance (Init, then Setup) and sets up the context the other tasks
/// use. Called by the SDK's targets before PrepareForBuild; not meant for custom targets.
/// </summary>
public sealed class BuildStateBeginRun : BuildStateTask
{
    [Required]
    public string ProjectPath { get; set; } = "";

    public string? Configuration { get; set; }

    public string? TargetFramework { get; set; }

    /// <summary>BuildStateRoot: the store folder (default: .buildstate at the repository root).</summary>
    public string? StoreRoot { get; set; }

    /// <summary>BuildStateRunId: groups the runs of one invocation (CI sets its build number).</summary>
    public string? RunId { get; set; }

    public string Durability { get; set; } = "Normal";

    public int MaxCheckpoints { get; set; } = 10;

    public int MaxBackups { get; set; } = 5;

    public bool AutoCheckpoints { get; set; } = true;

    public bool CheckpointArtifacts { get; set; }

    /// <summary>The compiler's SARIF error log, read when a run fails.</summary>
    public string? ErrorLog { get; set; }

    /// <summary>The project's table files (BuildStateMachine items): custom lifecycles its targets may drive.</summary>
    public ITaskItem[] Tables { get; set; } = [];

    /// <summary>Environment variable names whose values are recorded with the run (never others).</summary>
    public string[] EnvironmentAllowList { get; set; } = [];

    [Output]
    public string? BuildId { get; set; }

    private protected override bool TracksCommittedState => true;

    private protected override void ExecuteCore()
    {
        if (UsableStoreRoot(ProjectPath, StoreRoot) is not { } root)
        {
            return;
        }

        var durability = ParseDurability(Durability, ProjectPath);

        var context = RunStarter.Begin(Session, Log, new RunStart
        {
            ContextKey = ContextKey(ProjectPath),
            ProjectPath = ProjectPath,
            StoreRoot = root,
            Configuration = Configuration,
            TargetFramework = TargetFramework,
            RunId = RunId,
            Durability = durability,
            MaxCheckpoints = MaxCheckpoints,
            MaxBackups = MaxBackups,
            AutoCheckpoints = AutoCheckpoints,
            CheckpointArtifacts = CheckpointArtifacts,
            Strict = Strict,
            ErrorLog = ErrorLog,
            Tables = Tables,
            EnvironmentAllowList = EnvironmentAllowList,
        });
        BuildId = context.BuildId;
    }
}
