using BuildState.Store;
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

        var dependencies = ProjectReferences.Length == 0
            ? null
            : ProjectReferences.Select(r => DependencyId(context, r)).Distinct(StringComparer.Ordinal).ToList();
        context.Store.Advance(context.BuildId, new AdvanceRequest { Dependencies = dependencies, Transitions = [Phase] });
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
