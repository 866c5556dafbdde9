using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Moves a project's default-lifecycle run into Build (before CoreCompile) and records its
/// ProjectReferences as dependencies, in one commit. Called by the SDK's targets.
/// </summary>
public sealed class BuildStateEnterPhase : BuildStateTask
{
    [Required]
    public string Phase { get; set; } = "";

    /// <summary>Resolved project references (with NearestTargetFramework/SetTargetFramework metadata).</summary>
    public ITaskItem[] ProjectReferences { get; set; } = [];

    public string? Configuration { get; set; }

    private protected override bool TracksCommittedState => true;

    private protected override void ExecuteCore()
    {
        var context = FindContext();
        if (context is null || context.DefaultRunEnded)
        {
            return;
        }

        PhaseEntry.Enter(context, Phase, ProjectReferences, Configuration);
    }
}
