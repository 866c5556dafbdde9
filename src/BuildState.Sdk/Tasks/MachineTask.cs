using BuildState.Sdk.Session;

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
                Log.LogMessage($"BuildState: recording is off for this project (disabled, design-time or degraded); {GetType().Name} for '{Machine}' skipped");
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
}
