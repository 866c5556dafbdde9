using BuildState.Lifecycle;
using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Moves a project's default-lifecycle run into Build (before CoreCompile) or Test (before tests
/// run), records its ProjectReferences as dependencies, and takes the automatic checkpoint of the
/// phase boundary. Called by the SDK's targets.
/// </summary>
public sealed class BuildStateEnterPhase : BuildStateTask
{
    [Required]
    public string Phase { get; set; } = "";

    /// <summary>Resolved project references (with NearestTargetFramework/SetTargetFramework metadata).</summary>
    public ITaskItem[] ProjectReferences { get; set; } = [];

    public string? Configuration { get; set; }

    private protected override void ExecuteCore()
    {
        var context = FindContext();
        if (context is null || context.DefaultRunEnded)
        {
            return;
        }

        var record = context.Store.Get(context.BuildId);
        if (record.Phase == Phase || record.Run?.EndedAt is not null)
        {
            return;
        }

        if (ProjectReferences.Length > 0)
        {
            var dependencies = ProjectReferences.Select(r => DependencyId(context, r)).Distinct(StringComparer.Ordinal).ToList();
            context.Store.Update(context.BuildId, r => r.Dependencies = dependencies, "dependencies");
        }

        context.Store.Transition(context.BuildId, Phase);
        if (context.AutoCheckpoints && Phase == DefaultLifecycle.Test)
        {
            context.Store.CreateCheckpoint(context.BuildId, "before-test", context.CheckpointArtifacts, automatic: true);
        }
    }

    private string DependencyId(ProjectContext context, ITaskItem reference)
    {
        var project = reference.GetMetadata("MSBuildSourceProjectFile");
        if (string.IsNullOrEmpty(project))
        {
            project = reference.ItemSpec;
        }

        var tfm = reference.GetMetadata("NearestTargetFramework");
        if (string.IsNullOrEmpty(tfm))
        {
            var set = reference.GetMetadata("SetTargetFramework");
            tfm = set.StartsWith("TargetFramework=", StringComparison.OrdinalIgnoreCase) ? set["TargetFramework=".Length..] : "";
        }

        return StoreLocator.BuildId(context.RepositoryRoot, Path.GetFullPath(project), Configuration, tfm);
    }
}
