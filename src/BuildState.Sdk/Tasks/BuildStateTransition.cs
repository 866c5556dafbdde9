using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Moves a lifecycle to phase <see cref="To"/>, enforcing the table: an illegal transition fails the
/// build with an error naming the table, both phases and the legal targets. The first transition of
/// a custom lifecycle in a build starts its run at the table's initial phase.
/// </summary>
public sealed class BuildStateTransition : MachineTask
{
    [Required]
    public string To { get; set; } = "";

    /// <summary>A note kept with the transition in history.</summary>
    public string? Message { get; set; }

    [Output]
    public string? Phase { get; set; }

    private protected override void ExecuteCore()
    {
        if (Resolve() is not var (context, buildId))
        {
            return;
        }

        var store = context.Store;
        if (!IsDefault)
        {
            var record = store.TryGet(buildId);
            if (record?.Run is null || record.RunId != context.RunId || record.Run.EndedAt is not null)
            {
                store.StartRun(buildId, new StartRunRequest { RunId = context.RunId, Lifecycle = Machine!, Dependencies = [context.BuildId] });
                context.OpenMachineRuns.Add(buildId);
                if (To == store.Lifecycles.Get(Machine!).Initial)
                {
                    Phase = To;
                    return;
                }
            }
        }

        try
        {
            Phase = store.Transition(buildId, To, Message).Phase;
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Validation)
        {
            throw new UserError("BST1004", e.Message, Project ?? BuildEngine.ProjectFileOfTaskNode);
        }

        if (store.Get(buildId).Run?.EndedAt is not null)
        {
            context.OpenMachineRuns.Remove(buildId);
        }
    }
}
