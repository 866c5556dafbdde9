using BuildState.Locking;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests.Crash;

/// <summary>One store call of the crash workload.</summary>
/// <param name="BuildId">The build it changes.</param>
/// <param name="Name">What it does, for failure messages.</param>
/// <param name="DurableUnderNormal">True for the calls <see cref="Durability.Normal"/> makes durable (run end, terminal phase, checkpoint).</param>
/// <param name="Run">The call.</param>
public sealed record WorkloadStep(string BuildId, string Name, bool DurableUnderNormal, Action<BuildStore> Run);

/// <summary>What the store held for the step's build right after the step returned (from the run without a crash).</summary>
public sealed record StepResult(long Sequence, string Phase, RunStatus Status, IReadOnlyList<string> CheckpointIds);

/// <summary>
/// A few builds doing runs, transitions, artifacts (with content copies in a checkpoint), errors,
/// checkpoints and run ends, interleaved, on a store whose root lives in a <see cref="CrashFileSystem"/>.
/// Artifact files are real files (the store hashes them outside its file system).
/// </summary>
public sealed class CrashWorkload
{
    public const string A = "src/App/App.csproj|Debug|net10.0";
    public const string B = "src/Lib/Lib.csproj|Release|net10.0";
    public const string C = "tests/Lib.Tests/Lib.Tests.csproj|Debug|net10.0";

    /// <summary>A run owner that is certainly gone (a crashed process): the same pid with another start time.</summary>
    public static readonly OwnerInfo DeadOwner = new()
    {
        ProcessId = Environment.ProcessId,
        Host = Environment.MachineName,
        ProcessStartedAt = DateTimeOffset.UnixEpoch,
    };

    public CrashWorkload(string artifactRoot, bool journaledDisk, int maxCheckpoints)
    {
        JournaledDisk = journaledDisk;
        MaxCheckpoints = maxCheckpoints;
        ArtifactRoot = artifactRoot;
        StoreRoot = Path.Combine(artifactRoot, ".buildstate");
        Directory.CreateDirectory(Path.Combine(artifactRoot, "bin"));
        File.WriteAllBytes(Path.Combine(artifactRoot, "bin", "App.dll"), Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllText(Path.Combine(artifactRoot, "bin", "App.pdb"), "pdb bytes");
        File.WriteAllText(Path.Combine(artifactRoot, "bin", "Lib.dll"), "lib bytes");
        Steps = BuildSteps();
    }

    public string ArtifactRoot { get; }

    /// <summary>See <see cref="CrashFileSystem.JournalCommitsOnFsync"/>.</summary>
    public bool JournaledDisk { get; }

    /// <summary>The workload takes three checkpoints of build A: 2 makes the third rotate the first out.</summary>
    public int MaxCheckpoints { get; }

    /// <summary>The store root: a path inside the simulated file system (only the artifacts are real).</summary>
    public string StoreRoot { get; }

    public IReadOnlyList<WorkloadStep> Steps { get; }

    public static IReadOnlyList<string> BuildIds => [A, B, C];

    /// <summary>A new simulated disk holding only the repository folder (durable), no store yet.</summary>
    public CrashFileSystem NewDisk()
    {
        var fs = new CrashFileSystem { JournalCommitsOnFsync = JournaledDisk };
        fs.CreateDurableDirectory(ArtifactRoot);
        return fs;
    }

    public StoreOptions Options(CrashFileSystem fs, Durability durability)
    {
        var ticks = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks;
        return new StoreOptions
        {
            Durability = durability,
            FileSystem = fs,
            LockProvider = new InProcessLockProvider(),
            LockTimeout = TimeSpan.FromSeconds(5),
            RepositoryRoot = ArtifactRoot,
            MaxBackups = 3,
            MaxCheckpoints = MaxCheckpoints,
            Owner = DeadOwner,
            Clock = () => new DateTimeOffset(Interlocked.Add(ref ticks, TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
        };
    }

    private List<WorkloadStep> BuildSteps()
    {
        var steps = new List<WorkloadStep>();
        void Start(string id, string run) => steps.Add(new(id, $"StartRun({run})", false, s => s.StartRun(id, new StartRunRequest { RunId = run, Dependencies = id == C ? [B] : null })));
        void To(string id, string phase, bool terminal = false) => steps.Add(new(id, $"Transition({phase})", terminal, s => s.Transition(id, phase)));

        Start(A, "r1");
        To(A, "Setup");
        Start(B, "r1");
        To(A, "Build");
        steps.Add(new(A, "RecordArtifacts", false, s => s.RecordArtifacts(A, [new ArtifactInput("bin/App.dll", "assembly"), new ArtifactInput("bin/App.pdb", "pdb")])));
        To(B, "Setup");
        steps.Add(new(A, "CreateCheckpoint(built, copies)", true, s => s.CreateCheckpoint(A, "built", copyArtifacts: true)));
        To(A, "Test");
        To(B, "Build");
        steps.Add(new(B, "RecordError", false, s => s.RecordError(B, new ErrorRecord { Code = "CS0103", Message = "The name 'x' does not exist" })));
        To(A, "Cleanup");
        To(A, "Complete", terminal: true);
        steps.Add(new(B, "EndRun(Failed)", true, s => s.EndRun(B, RunOutcome.Failed)));
        Start(C, "r1");
        Start(A, "r2");
        To(A, "Setup");
        To(C, "Setup");
        steps.Add(new(A, "CreateCheckpoint(auto)", true, s => s.CreateCheckpoint(A, automatic: true)));
        steps.Add(new(C, "Update(metadata)", false, s => s.Update(C, r => r.Metadata["note"] = "crash test")));
        To(A, "Build");
        steps.Add(new(A, "EndRun(Failed)", true, s => s.EndRun(A, RunOutcome.Failed)));
        steps.Add(new(C, "CreateCheckpoint(named)", true, s => s.CreateCheckpoint(C, "setup-done")));
        Start(B, "r2");
        To(B, "Setup");
        steps.Add(new(A, "CreateCheckpoint(after end)", true, s => s.CreateCheckpoint(A, "after")));
        To(B, "Build");
        return steps;
    }
}
