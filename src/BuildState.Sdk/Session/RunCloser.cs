using BuildState.Lifecycle;
using BuildState.Store;

namespace BuildState.Sdk.Session;

/// <summary>How runs end: normally from the targets, and at the end of the build for whatever is still open.</summary>
internal static class RunCloser
{
    /// <summary>
    /// Walks a successful default-lifecycle run to Complete from wherever it is (Build or Test), with
    /// the outputs and an optional checkpoint, as one commit.
    /// </summary>
    public static void Complete(ProjectContext context, IReadOnlyList<ArtifactInput>? artifacts = null, string? checkpoint = null)
    {
        var record = context.Store.Get(context.BuildId);
        if (record.Run?.EndedAt is not null)
        {
            context.DefaultRunEnded = true;
            return;
        }

        IReadOnlyList<string> path = record.Phase is DefaultLifecycle.Build or DefaultLifecycle.Test
            ? [DefaultLifecycle.Cleanup, DefaultLifecycle.Complete]
            : [DefaultLifecycle.Complete];
        context.Store.Advance(context.BuildId, new AdvanceRequest
        {
            Artifacts = artifacts ?? [],
            CheckpointName = checkpoint,
            CheckpointCopiesArtifacts = context.CheckpointArtifacts,
            Transitions = path,
        });
        context.DefaultRunEnded = true;
    }

    /// <summary>
    /// The end of the build came before the run ended: a target failed, or the build was cancelled.
    /// Compiler errors from the SARIF log are recorded; the run ends in Error (Failed), or
    /// Interrupted when Ctrl+C cut the build off.
    /// </summary>
    public static void CloseAtBuildEnd(ProjectContext context, bool cancelled)
    {
        foreach (var machineBuild in context.OpenMachineRuns)
        {
            var record = context.Store.TryGet(machineBuild);
            if (record?.Run is { EndedAt: null })
            {
                context.Store.EndRun(machineBuild, RunOutcome.Failed, "the build ended before this lifecycle reached a terminal phase");
            }
        }

        if (context.DefaultRunEnded)
        {
            return;
        }

        var current = context.Store.TryGet(context.BuildId);
        if (current?.Run is not { EndedAt: null } || current.RunId != context.RunId)
        {
            return;
        }

        foreach (var error in SarifErrors.Read(context.ErrorLogPath, context.StartedAt))
        {
            error.File = error.File is null ? null : context.Store.ToStoredPath(error.File);
            context.Store.RecordError(context.BuildId, error);
        }

        var reason = cancelled
            ? "the build was cancelled"
            : $"the build ended in phase {current.Phase} before the run completed (a target failed)";
        context.Store.EndRun(context.BuildId, cancelled ? RunOutcome.Interrupted : RunOutcome.Failed, reason);

        context.DefaultRunEnded = true;
    }
}
