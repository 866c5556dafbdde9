using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>Takes a named checkpoint (state plus artifact manifest; with CopyArtifacts, the files too).</summary>
public sealed class BuildStateCheckpoint : MachineTask
{
    public string? Name { get; set; }

    /// <summary>Also keep content-addressed copies of the artifact files, so a restore can put them back.</summary>
    public bool CopyArtifacts { get; set; }

    [Output]
    public string? CheckpointId { get; set; }

    private protected override void ExecuteCore()
    {
        if (Resolve() is var (context, buildId))
        {
            RequireLifecycleRun(context, buildId);
            CheckpointId = context.Store.CreateCheckpoint(buildId, string.IsNullOrEmpty(Name) ? null : Name, CopyArtifacts).Id;
        }
    }
}
