using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>Reads a lifecycle's current phase, run status and the phases its run has completed.</summary>
public sealed class BuildStateQuery : MachineTask
{
    [Output]
    public string? Phase { get; set; }

    [Output]
    public string? Status { get; set; }

    [Output]
    public string[] CompletedPhases { get; set; } = [];

    [Output]
    public string? RunId { get; set; }

    private protected override void ExecuteCore()
    {
        if (Resolve() is not var (context, buildId))
        {
            return;
        }

        var record = context.Store.TryGet(buildId);
        if (record is null)
        {
            return;
        }

        Phase = record.Phase;
        Status = record.Status.ToString();
        RunId = record.RunId;
        // Every phase the run left has a duration; the transitions list may hold only the newest of a long run.
        CompletedPhases = record.EarlierTransitions > 0
            ? [.. record.Resources.PhaseDurationsMs.Keys]
            : record.Transitions.Select(t => t.From).Distinct(StringComparer.Ordinal).ToArray();
    }
}
