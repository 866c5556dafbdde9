using BuildState.Errors;
using BuildState.Sdk.Session;
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
            if (result.NotRestored.Count > 0)
            {
                // The state and the files inside the repository are back; these are not, and the
                // targets after this one would go on without them.
                var files = string.Join("; ", result.NotRestored.Select(o => $"{o.Path} (its copy: {o.Blob})"));
                throw new UserError("BST1005", $"checkpoint '{Checkpoint}' was restored, but {result.NotRestored.Count} of its files lie outside the repository, where restore never writes: {files}. Copy them back yourself, or record outputs inside the repository", Project ?? BuildEngine.ProjectFileOfTaskNode);
            }
        }
        catch (BuildStateException e) when (e.Kind is StoreErrorKind.NotFound or StoreErrorKind.Validation)
        {
            throw new UserError("BST1005", StoreErrorText.Describe(e), Project ?? BuildEngine.ProjectFileOfTaskNode);
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Corruption && context.Store.Layout.IsInCheckpoints(buildId, e.FilePath))
        {
            // The checkpoint asked for is damaged, not the store: the targets after this one count on
            // what it would have put back, so this is the build's error, not a warning to go on with.
            // The store's message says what to do (another checkpoint, or recover).
            throw new UserError("BST1005", $"checkpoint '{Checkpoint}' cannot be restored: {StoreErrorText.Describe(e)}", Project ?? BuildEngine.ProjectFileOfTaskNode);
        }
    }
}
