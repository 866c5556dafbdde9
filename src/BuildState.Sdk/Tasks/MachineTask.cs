using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>A task that works on one lifecycle of the project: the default one, or a custom table by name.</summary>
public abstract class MachineTask : BuildStateTask
{
    /// <summary>The table's name (from a *.buildstate.json of the project); empty or "Default" for the default lifecycle.</summary>
    public string? Machine { get; set; }

    private protected bool IsDefault => string.IsNullOrEmpty(Machine) || Machine == "Default";

    /// <summary>The context and the build id the machine's state lives under; null when recording is off for the project.</summary>
    private protected (ProjectContext Context, string BuildId)? Resolve()
    {
        var context = FindContext();
        if (context is null)
        {
            if (!IsDefault)
            {
                // Not silent: a transition skipped here is not checked against the table either.
                var key = ContextKey(Project ?? BuildEngine.ProjectFileOfTaskNode);
                var degraded = Session.Find(key) is { } known && Session.IsDegraded(known.StoreRoot, out _);
                var why = degraded
                    ? "the store cannot be used in this build (warning BST1001)"
                    : "no run of this project is being recorded at this point: recording is off (BuildStateEnabled=false, a design-time build, the outer build of a multi-targeted project), or the task ran before the run starts (for a project with tables, when BeforeBuild starts; use AfterTargets=\"BeforeBuild\" or later)";
                Log.LogMessage(degraded ? MessageImportance.Normal : MessageImportance.High, $"BuildState: {GetType().Name} for '{Machine}' skipped: {why}");
            }

            return null;
        }

        if (IsDefault)
        {
            return (context, context.BuildId);
        }

        if (!context.Machines.ContainsKey(Machine!))
        {
            var known = context.Machines.Count == 0 ? "none" : string.Join(", ", context.Machines.Keys.Order(StringComparer.Ordinal));
            throw new UserError("BST1003", $"unknown lifecycle '{Machine}': the project declares {known}. Add its *.buildstate.json to the project (or a BuildStateMachine item).", Project ?? BuildEngine.ProjectFileOfTaskNode);
        }

        return (context, context.MachineBuildId(Machine!));
    }

    /// <summary>
    /// A custom lifecycle that has never run has no state to add files or a checkpoint to (and the
    /// tasks start no run but by a transition): BST1009, not the store's NotFound, which the base
    /// class would take for an unusable store (BST1001) and stop recording the whole build.
    /// </summary>
    private protected void RequireLifecycleRun(ProjectContext context, string buildId)
    {
        if (!IsDefault && context.Store.TryGet(buildId)?.Run is null)
        {
            throw new UserError("BST1009", $"lifecycle '{Machine}' has no run yet, so {GetType().Name} has nothing to work on. Transition it first (its first transition in a build starts its run at its initial phase)", Project ?? BuildEngine.ProjectFileOfTaskNode);
        }
    }
}
