using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Model;
using BuildState.Sdk.Session;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Moves a lifecycle to phase <see cref="To"/>, enforcing the table: an illegal transition, or a
/// phase the table does not have, fails the build with BST1004 (recorded as the run's error). The
/// first transition of a custom lifecycle in a build starts its run at the table's initial phase;
/// once that run has reached a terminal phase, the build can move it no further (the next build
/// starts a new run). After a restore in the build, the run goes on from the restored phase.
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
        var table = IsDefault ? store.Lifecycles.Get(DefaultLifecycle.Definition.Name) : context.Machines[Machine!];
        if (!IsDefault)
        {
            if (context.MachineRunsOfThisBuild.Add(buildId))
            {
                store.StartRun(buildId, new StartRunRequest { RunId = context.RunId, Lifecycle = Machine!, Dependencies = [context.BuildId] });
                context.OpenMachineRuns.Add(buildId);
                if (PhaseOf(table, To) == table.Initial)
                {
                    Phase = table.Initial; // "start the run": the run is at its initial phase already
                    return;
                }
            }
            else if (store.TryGet(buildId) is { Run.EndedAt: not null } ended && table.Terminal.Contains(ended.Phase))
            {
                // This build's run is over: its terminal phase has no legal targets. Not recorded
                // on the run: it succeeded, and the mistake is this build's request.
                throw Illegal($"illegal transition in lifecycle '{table.Name}': {ended.Phase} -> {To}; {ended.Phase} is terminal: its run ended in this build and has no legal targets. The next build starts a new run at {table.Initial}; remove this transition, or end this build's run earlier", context, buildId, record: false);
            }
        }

        var to = PhaseOf(table, To) ?? throw Illegal(
            $"'{To}' is not a phase of lifecycle '{table.Name}' (phases: {string.Join(", ", table.Phases)}). Correct the To parameter",
            context,
            buildId,
            record: true);
        try
        {
            Phase = store.Transition(buildId, to, Message).Phase;
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Validation)
        {
            throw Illegal($"{e.Message}. Fix the order of the transitions, or the table if this one should be legal", context, buildId, record: true);
        }

        if (store.Get(buildId).Run?.EndedAt is not null)
        {
            context.OpenMachineRuns.Remove(buildId);
        }
    }

    /// <summary>The table's phase named <paramref name="name"/>: exactly, else in another case when only one phase matches; null when none.</summary>
    private static string? PhaseOf(ILifecycleDefinition table, string name)
    {
        string? match = null;
        foreach (var phase in table.Phases)
        {
            if (phase == name)
            {
                return phase;
            }

            if (string.Equals(phase, name, StringComparison.OrdinalIgnoreCase))
            {
                match = match is null ? phase : "";
            }
        }

        return string.IsNullOrEmpty(match) ? null : match;
    }

    /// <summary>BST1004; with <paramref name="record"/>, also recorded as the error of the lifecycle's open run, and the reason it ends with.</summary>
    private UserError Illegal(string message, ProjectContext context, string buildId, bool record)
    {
        var project = Project ?? BuildEngine.ProjectFileOfTaskNode;
        if (record && !IsDefault && context.OpenMachineRuns.Contains(buildId))
        {
            context.MachineFailures[buildId] = $"{message} (BST1004)";
            try
            {
                context.Store.RecordError(buildId, new ErrorRecord { Code = "BST1004", Message = message, File = context.Store.ToStoredPath(project) });
            }
            catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
            {
                Degrade((e as BuildStateException)?.FilePath, e is BuildStateException b ? b.ToOneLine() : e.Message); // the BST1004 still fails the build
            }
        }

        return new UserError("BST1004", message, project);
    }
}
