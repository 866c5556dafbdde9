using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Records the build's outputs and ends a successful default-lifecycle run: Build (or Test) to
/// Cleanup to Complete, with an automatic checkpoint of the finished build. Called by the SDK's
/// targets after Build (when no tests follow) and after VSTest.
/// </summary>
public sealed class BuildStateFinishRun : BuildStateTask
{
    /// <summary>Output files to record (assembly, pdb, deps.json, reference assembly...), with optional Kind metadata.</summary>
    public ITaskItem[] Artifacts { get; set; } = [];

    /// <summary>False to record no artifacts (BuildStateRecordArtifacts=false).</summary>
    public bool RecordArtifacts { get; set; } = true;

    /// <summary>When true, only record the artifacts: tests follow, the run goes on to Test.</summary>
    public bool TestsFollow { get; set; }

    private protected override void ExecuteCore()
    {
        var context = FindContext();
        if (context is null || context.DefaultRunEnded)
        {
            return;
        }

        if (RecordArtifacts)
        {
            ArtifactRecorder.Record(context.Store, context.BuildId, Artifacts);
        }

        if (TestsFollow)
        {
            return;
        }

        if (context.AutoCheckpoints)
        {
            context.Store.CreateCheckpoint(context.BuildId, "built", context.CheckpointArtifacts, automatic: true);
        }

        RunCloser.Complete(context);
    }
}
