using BuildState.Lifecycle;
using BuildState.Store;

namespace BuildState.Sdk.Session;

/// <summary>
/// What one project instance (project x configuration x target framework) is recording in this
/// build: set up by BuildStateBeginRun, found again by every later task of the same instance.
/// </summary>
internal sealed class ProjectContext
{
    public required string Key { get; init; }

    public required string BuildId { get; init; }

    public required string RepositoryRoot { get; init; }

    /// <summary>The store folder; known before the store is opened.</summary>
    public required string StoreRoot { get; init; }

    /// <summary>
    /// The open store. A run started in the background opens it there (a node's first open builds
    /// the store's options and types, work the compile need not wait for), so only code that comes
    /// after <see cref="WaitForBackgroundCommit"/> reads it; <see cref="HasStore"/> tells whether
    /// opening succeeded.
    /// </summary>
    public BuildStore Store
    {
        get => _store ?? throw new InvalidOperationException($"the store of {BuildId} is not open");
        set => _store = value;
    }

    private BuildStore? _store;

    public bool HasStore => _store is not null;

    /// <summary>The run id; set by the run start, which may still be running in the background (<see cref="WaitForBackgroundCommit"/>).</summary>
    public string RunId { get; set; } = "";

    public bool Strict { get; init; }

    public string? ErrorLogPath { get; init; }

    /// <summary>The error log was written by the compile probe (the SDK's own file in obj/, not the project's ErrorLog): deleted once read.</summary>
    public bool ErrorLogIsProbes { get; set; }

    public bool AutoCheckpoints { get; init; }

    public bool CheckpointArtifacts { get; init; }

    /// <summary>BuildStateRecordArtifacts: false records no outputs.</summary>
    public bool RecordArtifacts { get; init; } = true;

    /// <summary>
    /// The project's outputs (the targets' _BuildStateOutput items: assembly, pdb, deps.json...),
    /// whether they exist yet or not; empty when none are recorded. The end of the build records
    /// those that exist when the run failed after the compile (<see cref="RunCloser.CloseAtBuildEnd"/>),
    /// since no MSBuild item is at hand there. After Build the targets pass the same items.
    /// </summary>
    public IReadOnlyList<ArtifactInput> Outputs { get; init; } = [];

    /// <summary>
    /// CoreBuild failed (its OnError ran, after the run had started): a target inside the standard
    /// build failed, not one after it. See <see cref="CompileFailed"/>.
    /// </summary>
    public bool CoreBuildFailed { get; set; }

    /// <summary>
    /// CoreBuild failed before its compile had succeeded (or been skipped as up to date): the outputs
    /// on disk, if any, are an earlier build's.
    /// </summary>
    public bool CompileFailed { get; set; }

    /// <summary>
    /// The first error of a lifecycle table this project declares (its task failed on it, which
    /// stops the build): recorded on the run and named as its reason if the build then fails.
    /// </summary>
    public Model.ErrorRecord? TableError { get; set; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// The default build's state as this project's own tasks last committed it in this build, so
    /// they need not read it back before each step; null when unknown (then it is read). A step
    /// the store refuses because the state moved on meanwhile is retried from a fresh read.
    /// </summary>
    public Model.BuildRecord? Committed { get; set; }

    /// <summary>
    /// True once this instance's run start (or its join of the run another instance of the build
    /// started in this invocation) is committed: only then does its end count as one writer's part.
    /// </summary>
    public bool RunStarted { get; set; }

    /// <summary>True once the default-lifecycle run of this project has ended (terminal or error).</summary>
    public bool DefaultRunEnded { get; set; }

    /// <summary>This project's commit still running on a background thread, if any (<see cref="BackgroundCommit"/>).</summary>
    public Task? BackgroundCommit { get; set; }

    /// <summary>True when a background commit of this project failed: its tasks record nothing more, and the end of the build closes its run as Interrupted if the store allows.</summary>
    public bool RecordingFailed { get; set; }

    /// <summary>Waits for this project's background commit: anything that reads or changes its state comes after it.</summary>
    public void WaitForBackgroundCommit()
    {
        if (BackgroundCommit is { } pending)
        {
            pending.Wait(); // never faults: BackgroundCommit catches what a commit may throw
            BackgroundCommit = null;
        }
    }

    /// <summary>True when `dotnet test` will run tests after the build (VSTest is the entry target).</summary>
    public bool TestsFollow { get; set; }

    /// <summary>
    /// Where this run's test results will be (the SDK's TRX file, or the user's results folder,
    /// ending in a separator) once its tests ran; null when no tests follow or none are recorded.
    /// </summary>
    public string? TestResults { get; set; }

    /// <summary>The assembly the tests run from (its TRX file names it); null when unknown.</summary>
    public string? TestAssembly { get; set; }

    /// <summary>When the run entered Test: results files older than this belong to an earlier run.</summary>
    public DateTimeOffset TestsStartedAt { get; set; }

    /// <summary>Custom lifecycles declared by the project's table files, by table name.</summary>
    public Dictionary<string, ILifecycleDefinition> Machines { get; } = new(StringComparer.Ordinal);

    /// <summary>Custom-lifecycle builds with a run open in this build, by build id.</summary>
    public HashSet<string> OpenMachineRuns { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Custom-lifecycle builds whose current run is this build's (started by its first transition,
    /// or continued by a restore), by build id: once that run has reached a terminal phase, a
    /// transition is illegal (BST1004) until the next build starts a new run.
    /// </summary>
    public HashSet<string> MachineRunsOfThisBuild { get; } = new(StringComparer.Ordinal);

    /// <summary>Why a custom-lifecycle run of this build failed (a BST1004's message), by build id: the reason its run ends with.</summary>
    public Dictionary<string, string> MachineFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A project instance's key: its project file plus its global properties, sorted by name (inner
    /// builds of a multi-targeted project differ by TargetFramework there). Plain loops: generic
    /// LINQ over key-value pairs would be JIT-compiled in every node.
    /// </summary>
    public static string KeyOf(string projectPath, IReadOnlyDictionary<string, string>? globalProperties)
    {
        var key = new System.Text.StringBuilder(Path.GetFullPath(projectPath)).Append('|');
        if (globalProperties is { Count: > 0 })
        {
            var names = new string[globalProperties.Count];
            var i = 0;
            foreach (var name in globalProperties.Keys)
            {
                names[i++] = name;
            }

            Array.Sort(names, StringComparer.OrdinalIgnoreCase);
            for (i = 0; i < names.Length; i++)
            {
                key.Append(i == 0 ? "" : ";").Append(names[i]).Append('=').Append(globalProperties[names[i]]);
            }
        }

        return key.ToString();
    }

    /// <summary>The build id of a custom lifecycle of this project.</summary>
    public string MachineBuildId(string machine) => $"{BuildId}|{machine}";
}
