using BuildState.Lifecycle;
using BuildState.Sdk.Session;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Starts the run of a project instance (Init, then Setup) and sets up the context the other tasks
/// use. Called by the SDK's targets before PrepareForBuild; not meant for custom targets.
/// </summary>
public sealed class BuildStateBeginRun : BuildStateTask
{
    [Required]
    public string ProjectPath { get; set; } = "";

    public string? Configuration { get; set; }

    public string? TargetFramework { get; set; }

    /// <summary>BuildStateRoot: the store folder (default: .buildstate at the repository root).</summary>
    public string? StoreRoot { get; set; }

    /// <summary>BuildStateRunId: groups the runs of one invocation (CI sets its build number).</summary>
    public string? RunId { get; set; }

    public string Durability { get; set; } = "Normal";

    public int MaxCheckpoints { get; set; } = 10;

    public int MaxBackups { get; set; } = 5;

    public bool AutoCheckpoints { get; set; } = true;

    public bool CheckpointArtifacts { get; set; }

    /// <summary>The compiler's SARIF error log, read when a run fails.</summary>
    public string? ErrorLog { get; set; }

    /// <summary>The project's table files (BuildStateMachine items): custom lifecycles its targets may drive.</summary>
    public ITaskItem[] Tables { get; set; } = [];

    /// <summary>Environment variable names whose values are recorded with the run (never others).</summary>
    public string[] EnvironmentAllowList { get; set; } = [];

    [Output]
    public string? BuildId { get; set; }

    [Output]
    public string? ResolvedRunId { get; set; }

    private protected override void ExecuteCore()
    {
        Project = ProjectPath;
        var projectDir = Path.GetDirectoryName(Path.GetFullPath(ProjectPath))!;
        var root = StoreLocator.StoreRoot(projectDir, StoreRoot);
        StoreRootInUse = root;
        if (Session.IsDegraded(root, out _))
        {
            return; // warned once already in this build
        }

        if (!Enum.TryParse<Durability>(Durability, ignoreCase: true, out var durability))
        {
            throw new UserError("BST1002", $"BuildStateDurability must be Full, Normal or None, not '{Durability}'", ProjectPath);
        }

        var repo = Path.GetDirectoryName(root)!;
        var options = new StoreOptions
        {
            Durability = durability,
            MaxCheckpoints = Math.Max(1, MaxCheckpoints),
            MaxBackups = Math.Max(0, MaxBackups),
            RepositoryRoot = repo,

            // Normal: the fsyncs of run ends and checkpoints are paid once, at the end of the build
            // (BuildSession.Dispose), not by each project on the build's critical path. Strict mode
            // keeps them inline, so a failing fsync fails the task that caused it.
            GroupCommit = !Strict,
        };
        BuildStore store;
        using (SdkTrace.Time("begin.store"))
        {
            store = Session.Store(root, options);
        }

        var machines = LoadTables(store);
        string runId;
        using (SdkTrace.Time("begin.runid"))
        {
            runId = Session.RunId(store, RunId);
        }

        var buildId = StoreLocator.BuildId(repo, Path.GetFullPath(ProjectPath), Configuration, TargetFramework);
        var context = new ProjectContext
        {
            Key = ContextKey(ProjectPath),
            BuildId = buildId,
            RepositoryRoot = repo,
            Store = store,
            RunId = runId,
            Strict = Strict,
            ErrorLogPath = ErrorLog,
            AutoCheckpoints = AutoCheckpoints,
            CheckpointArtifacts = CheckpointArtifacts,
            StartedAt = DateTimeOffset.UtcNow,
        };
        foreach (var (name, definition) in machines)
        {
            context.Machines[name] = definition;
        }

        var metadata = BuildState.Model.EnvironmentCapture.Capture(EnvironmentAllowList);
        metadata["msbuild.configuration"] = Configuration ?? "";
        metadata["msbuild.targetFramework"] = TargetFramework ?? "";
        using (SdkTrace.Time("begin.startrun"))
        {
            store.StartRun(buildId, new StartRunRequest { RunId = runId, Metadata = metadata, ThenTransitionTo = DefaultLifecycle.Setup });
        }

        Session.Add(context);
        BuildId = buildId;
        ResolvedRunId = runId;
        Log.LogMessage(MessageImportance.Low, $"BuildState: recording {buildId} (run {runId}) in {root}");
    }

    private Dictionary<string, ILifecycleDefinition> LoadTables(BuildStore store)
    {
        var machines = new Dictionary<string, ILifecycleDefinition>(StringComparer.Ordinal);
        foreach (var item in Tables)
        {
            var path = item.GetMetadata("FullPath");
            var loaded = TableLoader.Load(path);
            foreach (var d in loaded.Diagnostics)
            {
                if (d.IsError)
                {
                    Log.LogError(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, d.Message);
                }
                else
                {
                    Log.LogWarning(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, d.Message);
                }
            }

            if (loaded.Definition is { } definition)
            {
                store.Lifecycles.Register(definition);
                machines[definition.Name] = definition;
                store.SaveLifecycleTable(definition.Name, loaded.Text);
            }
        }

        return machines;
    }
}
