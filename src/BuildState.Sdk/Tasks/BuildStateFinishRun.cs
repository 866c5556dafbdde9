using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Records the build's outputs and ends a successful default-lifecycle run: Build (or Test) to
/// Cleanup to Complete, with an automatic checkpoint "built", in one commit. When tests follow
/// (`dotnet test`) it records the outputs and moves Build to Test instead (checkpoint
/// "before-test"). Called by the SDK's targets after Build and after VSTest. The commit runs on a
/// background thread unless the build is strict (<see cref="BackgroundCommit"/>).
/// </summary>
public sealed class BuildStateFinishRun : BuildStateTask
{
    /// <summary>Output files to record (assembly, pdb, deps.json, reference assembly...), with optional Kind metadata.</summary>
    public ITaskItem[] Artifacts { get; set; } = [];

    /// <summary>When true, only record the artifacts: tests follow, the run goes on to Test.</summary>
    public bool TestsFollow { get; set; }

    /// <summary>
    /// With <see cref="TestsFollow"/>: where the tests' TRX results will be, the SDK's own file or
    /// the user's results folder (ending in a separator); empty to record no test counts.
    /// </summary>
    public string? TestResults { get; set; }

    private protected override bool TracksCommittedState => true;

    private protected override bool SetParameter(string name, object? value)
    {
        switch (name)
        {
            case nameof(Artifacts):
                Artifacts = (ITaskItem[])value!;
                return true;
            case nameof(TestsFollow):
                TestsFollow = (bool)value!;
                return true;
            case nameof(TestResults):
                TestResults = (string?)value;
                return true;
            default:
                return base.SetParameter(name, value);
        }
    }

    private protected override void ExecuteCore()
    {
        var context = FindContext();
        if (context is null || context.DefaultRunEnded)
        {
            return;
        }

        // The items are read here, on the task's thread; the commit itself may run in the background.
        var artifacts = context.RecordArtifacts ? ArtifactRecorder.Inputs(Artifacts) : [];
        if (TestsFollow)
        {
            context.TestResults = string.IsNullOrEmpty(TestResults) ? null : TestResults;
            context.TestsStartedAt = DateTimeOffset.UtcNow;
            foreach (var item in Artifacts)
            {
                if (item.GetMetadata("Kind") == "assembly")
                {
                    context.TestAssembly = Path.GetFullPath(item.ItemSpec);
                }
            }
        }

        if (context.Strict)
        {
            RunCloser.Finish(context, artifacts, TestsFollow);
        }
        else
        {
            BackgroundCommit.Start(Session, context, () => RunCloser.Finish(context, artifacts, TestsFollow));
        }
    }
}
