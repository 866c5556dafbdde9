using BuildState.Errors;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>Restores a lifecycle's state (and, with Artifacts, its files, verified by SHA-256) from a checkpoint.</summary>
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
            var result = context.Store.RestoreCheckpoint(buildId, Checkpoint, Artifacts);
            Phase = result.Phase;
            RestoredFiles = result.Restored.Select(p => (ITaskItem)new Microsoft.Build.Utilities.TaskItem(context.Store.ToFullPath(p))).ToArray();
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.NotFound or StoreErrorKind.Validation)
        {
            throw new UserError("BST1005", e.Message, Project ?? BuildEngine.ProjectFileOfTaskNode);
        }
    }
}
