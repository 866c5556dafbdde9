using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>Records files (size and SHA-256) as artifacts of the project's run, or of a custom lifecycle's run.</summary>
public sealed class BuildStateRecordArtifacts : MachineTask
{
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    [Output]
    public int Recorded { get; set; }

    private protected override void ExecuteCore()
    {
        if (Resolve() is var (context, buildId))
        {
            Recorded = ArtifactRecorder.Record(context.Store, buildId, Files);
        }
    }
}
