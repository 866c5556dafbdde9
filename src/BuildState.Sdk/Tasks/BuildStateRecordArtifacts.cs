using BuildState.Sdk.Session;
using BuildState.Tables;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Records files (size and SHA-256) as artifacts of the project's run, or of a custom lifecycle's
/// run. A file that does not exist is not recorded, with a warning BST1008 naming it.
/// </summary>
public sealed class BuildStateRecordArtifacts : MachineTask
{
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    [Output]
    public int Recorded { get; set; }

    private protected override void ExecuteCore()
    {
        if (Resolve() is not var (context, buildId))
        {
            return;
        }

        RequireLifecycleRun(context, buildId);
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                Log.LogWarning(null, "BST1008", null, HelpLinks.For("BST1008"), Project ?? BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0, HelpLinks.Append("BST1008",
                    $"{GetType().Name}: '{path}' does not exist, so it is not recorded. Check the path, or record the file after the target that writes it"));
            }
        }

        Recorded = ArtifactRecorder.Record(context.Store, buildId, Files);
    }
}
