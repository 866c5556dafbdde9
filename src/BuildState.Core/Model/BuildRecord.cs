namespace BuildState.Model;

/// <summary>
/// The state of one build (project x configuration x target framework): what
/// <c>active/&lt;build-key&gt;/current_state.json</c> holds. Phases are strings so one store holds
/// builds of any lifecycle; <see cref="Lifecycle"/> names the table they are checked against.
/// </summary>
public sealed class BuildRecord
{
    /// <summary>The schema version of this file (see <c>docs/store-format.md</c>).</summary>
    public int SchemaVersion { get; set; } = Store.StoreSchema.Current;

    /// <summary>The build id: project path relative to the repository root, then <c>|Configuration|TargetFramework</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The lifecycle table's name (<c>Default</c> unless a custom table drives the build).</summary>
    public string Lifecycle { get; set; } = "Default";

    /// <summary>The current phase.</summary>
    public string Phase { get; set; } = "";

    /// <summary>The status of the latest run.</summary>
    public RunStatus Status { get; set; }

    /// <summary>The invocation id of the latest run.</summary>
    public string? RunId { get; set; }

    /// <summary>Increments on every committed change; history records carry it, so gaps and order are checkable.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The latest run.</summary>
    public RunInfo? Run { get; set; }

    /// <summary>
    /// The transitions of the latest run, oldest first (earlier runs are in history). At most the
    /// newest <see cref="Store.StoreLimits.MaxTransitionsInState"/>: see <see cref="EarlierTransitions"/>.
    /// </summary>
    public List<TransitionRecord> Transitions { get; set; } = [];

    /// <summary>
    /// How many transitions of the latest run came before the first one in <see cref="Transitions"/>
    /// and are no longer carried by the state (they are in its history records); null when none.
    /// Every history record holds the whole state, so without this bound a run with thousands of
    /// transitions would make every commit write all of them again.
    /// </summary>
    public long? EarlierTransitions { get; set; }

    /// <summary>Artifacts the latest run produced.</summary>
    public List<ArtifactRecord> Artifacts { get; set; } = [];

    /// <summary>Ids of the builds this build depends on (its ProjectReferences).</summary>
    public List<string> Dependencies { get; set; } = [];

    /// <summary>The checkpoints kept for this build, oldest first.</summary>
    public List<CheckpointRef> Checkpoints { get; set; } = [];

    /// <summary>Failures of the latest run.</summary>
    public List<ErrorRecord> Errors { get; set; } = [];

    /// <summary>Where and how the latest run ran.</summary>
    public ResourceInfo Resources { get; set; } = new();

    /// <summary>Free-form string metadata (environment values only when allow-listed).</summary>
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest run's test results, when it ran tests and the test platform wrote them down (a TRX file); null otherwise.</summary>
    public TestResults? Tests { get; set; }

    /// <summary>
    /// Length of the history log just after this state's record was appended. A longer log means
    /// records newer than this snapshot (written since, or cut off by a crash): readers roll forward to them.
    /// </summary>
    public long HistoryBytes { get; set; }

    /// <summary>
    /// A deep copy, so a caller's mutation cannot leak into a cached or committed value. Written out
    /// (not a JSON round trip: a commit copies a record twice); the leaf records are copied member
    /// by member, OwnerInfo is immutable and shared. A test checks every reference held is copied.
    /// </summary>
    public BuildRecord Clone()
    {
        var copy = (BuildRecord)MemberwiseClone();
        copy.Run = Run is null ? null : (RunInfo)Run.CopyMembers();
        copy.Transitions = Transitions.ConvertAll(t => (TransitionRecord)t.CopyMembers());
        copy.Artifacts = Artifacts.ConvertAll(a => (ArtifactRecord)a.CopyMembers());
        copy.Dependencies = [.. Dependencies];
        copy.Checkpoints = Checkpoints.ConvertAll(c => (CheckpointRef)c.CopyMembers());
        copy.Errors = Errors.ConvertAll(e => (ErrorRecord)e.CopyMembers());
        copy.Resources = (ResourceInfo)Resources.CopyMembers();
        copy.Resources.PhaseDurationsMs = Resources.PhaseDurationsMs.Clone();
        copy.Metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
        copy.Tests = Tests is null ? null : (TestResults)Tests.CopyMembers();
        return copy;
    }
}

/// <summary>One run: one invocation's pass over a build.</summary>
public sealed class RunInfo
{
    internal object CopyMembers() => MemberwiseClone();

    public string RunId { get; set; } = "";

    public RunStatus Status { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The process that runs it; a dead owner means the run was cut off.</summary>
    public OwnerInfo? Owner { get; set; }

    /// <summary>Why the run ended as it did, when that is worth saying (for example "owner process 123 is gone").</summary>
    public string? Reason { get; set; }

    /// <summary>
    /// How many writers record this run together, when more than one: MSBuild instances of one
    /// build (the same project, configuration and target framework under other global properties,
    /// such as each RuntimeIdentifier of a RID-specific tool package) building at once in one
    /// invocation. Null for a run of one (<see cref="Store.StartRunRequest.JoinOpenRunOfSameId"/>).
    /// </summary>
    public int? Instances { get; set; }

    /// <summary>How many of <see cref="Instances"/> have ended their part; the last one ends the run. Null for a run of one.</summary>
    public int? InstancesEnded { get; set; }

    /// <summary>Writers of this run that have not ended their part (1 for a run of one).</summary>
    internal int OpenInstances => (Instances ?? 1) - (InstancesEnded ?? 0);
}

/// <summary>A phase change.</summary>
public sealed class TransitionRecord
{
    internal object CopyMembers() => MemberwiseClone();

    public string From { get; set; } = "";

    public string To { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>How long the build stayed in <see cref="From"/>, in milliseconds.</summary>
    public double DurationMs { get; set; }
}

/// <summary>A file the build produced.</summary>
public sealed class ArtifactRecord
{
    internal object CopyMembers() => MemberwiseClone();

    /// <summary>The path, relative to the repository root with forward slashes when it lies under it.</summary>
    public string Path { get; set; } = "";

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Last write time when hashed; with <see cref="Size"/> it lets an unchanged file skip re-hashing.</summary>
    public DateTimeOffset LastWriteUtc { get; set; }

    /// <summary>
    /// The file's status-change time (Unix ctime) when hashed, where it is more than a second after
    /// <see cref="LastWriteUtc"/>: a copy that kept its source's older write time (publish output),
    /// or a file whose write time was set back. Absent otherwise, and where the system does not give
    /// it (Windows, macOS). When this file was last written or changed: this, else the write time.
    /// </summary>
    public DateTimeOffset? ChangedUtc { get; set; }

    /// <summary>What the file is (assembly, pdb, package, ...), when known.</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The file's Unix permission bits in octal ("755"), in a checkpoint's manifest with copies,
    /// taken on Unix: absent when they are the default "644" (and in a build's state), so older
    /// checkpoints restore as they did. Restore gives the file written back these bits.
    /// </summary>
    public string? Mode { get; set; }
}

/// <summary>A checkpoint as listed in the build's state.</summary>
public sealed class CheckpointRef
{
    internal object CopyMembers() => MemberwiseClone();

    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string Phase { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>True when the checkpoint also holds copies of the artifact files.</summary>
    public bool HasArtifactCopies { get; set; }

    /// <summary>True for checkpoints taken automatically at phase boundaries.</summary>
    public bool Automatic { get; set; }

    /// <summary>
    /// A digest of the checkpoint's artifact manifest (each file's path, size, SHA-256 and kind) and
    /// of whether it holds copies: two checkpoints with the same value hold the same files. Lets an
    /// automatic checkpoint that would repeat the newest one of its name be skipped. Null in
    /// checkpoints written before it existed.
    /// </summary>
    public string? ArtifactsSha256 { get; set; }
}

/// <summary>A failure.</summary>
public sealed class ErrorRecord
{
    internal object CopyMembers() => MemberwiseClone();

    public DateTimeOffset At { get; set; }

    public string Phase { get; set; } = "";

    /// <summary>An error code such as CS0103 or BST0100, when there is one.</summary>
    public string? Code { get; set; }

    public string Message { get; set; } = "";

    /// <summary>The MSBuild target that failed, when known.</summary>
    public string? Target { get; set; }

    public string? File { get; set; }

    public int? Line { get; set; }

    public int? Column { get; set; }
}

/// <summary>Where and how a run ran.</summary>
public sealed class ResourceInfo
{
    internal object CopyMembers() => MemberwiseClone();

    public string? Machine { get; set; }

    public int? ProcessId { get; set; }

    /// <summary>The MSBuild node that ran the build, when known.</summary>
    public int? NodeId { get; set; }

    /// <summary>Total milliseconds spent in each phase during the latest run.</summary>
    public PhaseDurations PhaseDurationsMs { get; set; } = new();
}

/// <summary>
/// What a run's tests did, counted from the test platform's results file. <see cref="Failed"/>
/// counts every test that did not pass for a reason of its own (failed, error, timeout, aborted);
/// <see cref="Skipped"/> those not run (skipped, not executed); <see cref="Total"/> every result,
/// so outcomes the platform reports beyond these (inconclusive, ...) make it larger than the sum.
/// </summary>
public sealed class TestResults
{
    internal object CopyMembers() => MemberwiseClone();

    public int Total { get; set; }

    public int Passed { get; set; }

    public int Failed { get; set; }

    public int Skipped { get; set; }

    /// <summary>The results file they were read from, relative to the repository root when it lies under it.</summary>
    public string? Source { get; set; }
}
