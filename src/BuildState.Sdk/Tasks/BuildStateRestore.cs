using BuildState.Errors;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Restores a lifecycle's state (and, with Artifacts, its files, verified by SHA-256) from a
/// checkpoint. A custom lifecycle's run then goes on from the restored phase in this build.
/// </summary>
public sealed class BuildStateRestore : MachineTask
{
    /// <summary>The checkpoint's id, name, or a unique part of its id.</summary>
    [Required]
    public string Checkpoint { get; set; } = "";

    public bool Artifacts { get; set; }

    [Output]
    public string? Phase { get; set; }

    [Output]
    public ITaskItem[] RestoredFiles { get; set; } = [];

    private protected override void ExecuteCore()
    {
        if (Resolve() is not var (context, buildId))
        {
            return;
        }

        try
        {
            // A custom lifecycle's restored run is this build's run from here on: it goes on from
            // the restored phase (the default lifecycle's run is the SDK's, recorded as before).
            var result = context.Store.RestoreCheckpoint(buildId, Checkpoint, Artifacts, IsDefault ? null : context.RunId);
            if (!IsDefault)
            {
                context.MachineRunsOfThisBuild.Add(buildId);
                if (context.Store.Get(buildId).Run is { EndedAt: null })
                {
                    context.OpenMachineRuns.Add(buildId);
                }
                else
                {
                    context.OpenMachineRuns.Remove(buildId);
                }
            }

            Phase = result.Phase;
            RestoredFiles = result.Restored.Select(p => (ITaskItem)new Microsoft.Build.Utilities.TaskItem(context.Store.ToFullPath(p))).ToArray();
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.NotFound or StoreErrorKind.Validation)
        {
            throw new UserError("BST1005", e.Message, Project ?? BuildEngine.ProjectFileOfTaskNode);
        }
    }
}
