using BuildState.Model;

namespace BuildState.Store;

/// <summary>What starting a run needs to know.</summary>
public sealed class StartRunRequest
{
    /// <summary>The invocation id that groups the runs of one build command.</summary>
    public string RunId { get; set; } = "";

    /// <summary>The lifecycle table's name; it must be registered in <see cref="StoreOptions.Lifecycles"/>.</summary>
    public string Lifecycle { get; set; } = "Default";

    /// <summary>Ids of builds this build depends on; null keeps the previous list.</summary>
    public IReadOnlyList<string>? Dependencies { get; set; }

    /// <summary>The MSBuild node, when known.</summary>
    public int? NodeId { get; set; }

    /// <summary>Metadata merged into the build's metadata (see <see cref="ReplaceMetadata"/>).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; set; }

    /// <summary>
    /// The run's <see cref="Metadata"/> replaces the build's instead of being merged into it: keys an
    /// earlier run recorded and this one does not give are dropped. For metadata that describes the
    /// run (the SDK's: an environment variable recorded by an earlier run but unset now must not
    /// stay attached to this one).
    /// </summary>
    public bool ReplaceMetadata { get; set; }

    /// <summary>The run's owner; by default the store's (this process).</summary>
    public OwnerInfo? Owner { get; set; }

    /// <summary>A phase to move to right after the initial one, in the same commit (the SDK's Init -> Setup).</summary>
    public string? ThenTransitionTo { get; set; }

    /// <summary>
    /// When the run really began, if earlier than this call: the run's start and
    /// <see cref="ThenTransitionTo"/> carry it. The SDK takes it in a target (a property function,
    /// no task) and starts the run later, at its first task; must not lie in the future.
    /// </summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Phases to move through after <see cref="ThenTransitionTo"/>, in the same commit, at the commit's time (the SDK's Setup -> Build).</summary>
    public IReadOnlyList<string>? AndThen { get; set; }

    /// <summary>
    /// When the <see cref="AndThen"/> phases were entered, if earlier than the commit: a run written
    /// after the fact (the SDK's record of a Microsoft.Testing.Platform session, which enters Test
    /// when the session began). Taken no earlier than the run's start, and never in the future.
    /// </summary>
    public DateTimeOffset? AndThenAt { get; set; }

    /// <summary>
    /// When the build's current run is still Running under this <see cref="RunId"/> (another
    /// writer of the same invocation started it and its owner is alive), this writer joins that run
    /// instead of closing it as superseded: <see cref="RunInfo.Instances"/> counts one more, the
    /// dependencies are merged, and the phases of this request that lie beyond the run's current
    /// one are entered. Each writer then ends its own part (<see cref="AdvanceRequest.EndsInstance"/>,
    /// <see cref="BuildStore.EndRun(string, RunOutcome, string?, bool)"/>), and the last one ends the run. The SDK's
    /// MSBuild instances of one build (RuntimeIdentifier inner builds, AdditionalProperties) do.
    /// </summary>
    public bool JoinOpenRunOfSameId { get; set; }

    /// <summary>
    /// When the build's previous run has this <see cref="RunId"/> (an earlier pass of the same
    /// invocation: MSBuild instances of one build that built one after the other, such as a tool
    /// package's outer build and then its RID builds), the new run starts with that run's artifacts
    /// whose files still exist, so the build lists every output the invocation made; a later
    /// artifact of the same path replaces the earlier one. Otherwise a run starts with none. Only
    /// for run ids that are one invocation's: commands that share an id share outputs.
    /// </summary>
    public bool KeepArtifactsOfSameId { get; set; }
}

/// <summary>How a caller says a run ended.</summary>
public enum RunOutcome
{
    Succeeded,
    Failed,

    /// <summary>Cut off from outside (Ctrl+C, cancellation): the run keeps its phase and is marked Interrupted.</summary>
    Interrupted,
}

/// <summary>A file to record as an artifact.</summary>
/// <param name="Path">Absolute path, or relative to the repository root.</param>
/// <param name="Kind">What it is (assembly, pdb, package...), when known.</param>
public sealed record ArtifactInput(string Path, string? Kind = null);
