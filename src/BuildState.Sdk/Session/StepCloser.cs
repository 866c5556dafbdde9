using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Sdk.Session;

/// <summary>
/// A Pack or Publish step of one project instance that has started (its task call before the
/// step's own work, after the build) and not yet ended (its task call after the step's target):
/// one left at the end of the build failed, or was cut off.
/// </summary>
internal sealed class PendingStep
{
    /// <summary>Pack or Publish: also the target whose end ends the step.</summary>
    public required string Step { get; init; }

    public required BuildStore Store { get; init; }

    /// <summary>The store folder as the session knows it (a store degraded in this build is left alone).</summary>
    public required string StoreRoot { get; init; }

    /// <summary>The builds the step's files belong to (each inner build's, for a multi-targeted pack).</summary>
    public required IReadOnlyList<string> BuildIds { get; init; }

    /// <summary>This project instance's own context when it recorded a run in this build: the step belongs to that run.</summary>
    public ProjectContext? Context { get; init; }
}

/// <summary>How a Pack or Publish that did not end is recorded at the end of the build (docs/msbuild.md, "A failed pack or publish").</summary>
internal static class StepCloser
{
    /// <summary>
    /// Records the failure of <paramref name="step"/> on the run it belongs to: this instance's run
    /// when it built in this build (only that run: a later one is left alone), else each build's
    /// latest run, as <c>BuildStateAddToLatestRun</c> finds it. A run that ended Succeeded becomes
    /// Failed (Interrupted when the build was cut off), with an error naming the step and its target.
    /// </summary>
    public static void Close(PendingStep step, string? cutOff)
    {
        if (step.Context is { } own && (!own.HasStore || own.RecordingFailed))
        {
            return; // this instance's recording failed (reported as BST1001): its run is not ours to judge
        }

        var runId = step.Context is { RunId.Length: > 0 } ? step.Context.RunId : null;
        var message = cutOff is null
            ? $"{step.Step} failed: a target of the {step.Step.ToLowerInvariant()} step failed after the build (its errors are in the build's log)"
            : $"{step.Step} did not finish: {cutOff}";
        var reason = cutOff is null
            ? $"the build succeeded, then its {step.Step.ToLowerInvariant()} step failed (target {step.Step}; its errors are in the build's log)"
            : $"the build succeeded, then its {step.Step.ToLowerInvariant()} step was cut off: {cutOff}";
        foreach (var buildId in step.BuildIds)
        {
            try
            {
                if (step.Store.TryGet(buildId) is not { Run: not null })
                {
                    continue; // never recorded: nothing to mark, as nothing to add files to
                }

                step.Store.RecordStepFailure(
                    buildId,
                    new ErrorRecord { Message = message, Target = step.Step },
                    cutOff is null ? RunOutcome.Failed : RunOutcome.Interrupted,
                    reason,
                    runId);
            }
            catch (BuildStateException)
            {
                // The build is over and no logger is left: a store that cannot be written now keeps
                // the run as it was (the build's log has the step's errors).
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
