using System.Globalization;
using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// The build's run when a build is working on it now: Running, and its owner process not known
    /// to be gone (alive here, or on another host, whose processes cannot be seen). Archive and
    /// restore refuse such a build: either would take the state from under that build, which would
    /// then go on writing into a state that is no longer its run's, and its run's end would never be
    /// recorded.
    /// </summary>
    internal static RunInfo? LiveRun(BuildRecord record) =>
        record.Run is { Status: RunStatus.Running, Owner: { } owner } run && ProcessLiveness.Check(owner) != Liveness.Dead ? run : null;

    /// <summary>
    /// True when <paramref name="run"/> is the caller's own: owned by this process (a restore from
    /// inside the build that runs it, as the SDK's BuildStateRestore does), or the run the caller
    /// goes on with (<paramref name="continueRunId"/>, a run of this invocation).
    /// </summary>
    private bool IsCallersRun(RunInfo run, string? continueRunId) =>
        (continueRunId is not null && string.Equals(run.RunId, continueRunId, StringComparison.Ordinal))
        || (run.Owner is { } owner && owner.ProcessId == Options.Owner.ProcessId
            && string.Equals(owner.Host, Options.Owner.Host, StringComparison.OrdinalIgnoreCase));

    /// <summary>The refusal of a change that would take a live run's state from under it (Validation: exit code 4).</summary>
    private static BuildStateException BeingBuilt(string buildId, RunInfo run, string then)
    {
        var owner = run.Owner!;
        var host = string.Equals(owner.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) ? "" : $" on {owner.Host}";
        var since = run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new BuildStateException(
            StoreErrorKind.Validation,
            $"build '{buildId}' is being built by process {owner.ProcessId}{host} since {since}Z (run '{run.RunId}'); wait for that build to end or stop it, then {then}");
    }
}
