using BuildState.Lifecycle;
using BuildState.Store;
using BuildState.Tables;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BuildState.Sdk.Session;

/// <summary>What BuildStateBeginRun was given, resolved (the store root found, the settings read).</summary>
internal sealed class RunStart
{
    public required string ContextKey { get; init; }

    public required string StoreRoot { get; init; }

    public required RunSettings Settings { get; init; }

    public ITaskItem[] Tables { get; init; } = [];

    /// <summary>Go on to Build in the same commit, with <see cref="ProjectReferences"/> as dependencies.</summary>
    public bool EnterBuild { get; init; }

    public ITaskItem[] ProjectReferences { get; init; } = [];

    /// <summary>Tests of earlier outputs (`dotnet test --no-build`): recorded as metadata msbuild.noBuild.</summary>
    public bool NoBuild { get; init; }

    /// <summary>The project's outputs (the _BuildStateOutput items), kept for a run that fails after its compile.</summary>
    public ITaskItem[] Outputs { get; init; } = [];
}

/// <summary>
/// Starts a project instance's run (Init, then Setup, then Build) and sets up its context: the work of
/// BuildStateBeginRun. Kept out of the task class on purpose: the ReadyToRun code of a class
/// deriving from MSBuild's Task assumes the base's layout of the MSBuild that packed the SDK, and
/// the runtime JIT-compiles its methods instead wherever another MSBuild runs; code here keeps its
/// precompiled form on any MSBuild.
/// </summary>
internal static class RunStarter
{
    /// <summary>How the SDK opens a store (the first task of a node to use it decides: one store object per node).</summary>
    public static StoreOptions Options(string storeRoot, RunSettings settings)
    {
        var options = SdkStoreOptions.For(storeRoot, settings.Durability, settings.MaxCheckpoints, settings.MaxBackups, settings.LockTimeoutSeconds);
        options.Clock = SdkClock.Now;

        // Normal: the fsyncs of run ends and checkpoints are paid once, at the end of the build
        // (BuildSession.Dispose), not by each project on the build's critical path. Strict mode
        // keeps them inline, so a failing fsync fails the task that caused it.
        options.GroupCommit = !settings.Strict;
        return options;
    }

    public static ProjectContext Begin(BuildSession session, TaskLoggingHelper log, RunStart start)
    {
        var settings = start.Settings;
        var repo = Path.GetDirectoryName(start.StoreRoot)!;

        // Inline when the build is strict (a failure fails this task) or the project drives its own
        // tables (whose tasks read the build at once); else the store is opened, and the run
        // started, in the background: the compile waits for neither.
        var inline = settings.Strict || start.Tables.Length > 0;
        var context = new ProjectContext
        {
            Key = start.ContextKey,
            BuildId = StoreLocator.BuildId(repo, settings.ProjectPath, settings.Configuration, settings.TargetFramework),
            RepositoryRoot = repo,
            StoreRoot = start.StoreRoot,
            Strict = settings.Strict,
            ErrorLogPath = settings.ErrorLog,
            AutoCheckpoints = settings.AutoCheckpoints && !start.NoBuild, // a run that built nothing has no outputs to keep
            CheckpointArtifacts = settings.CheckpointArtifacts,
            RecordArtifacts = settings.RecordArtifacts,

            // Only their paths here (no look at the disk: a no-op build's run start stays as cheap);
            // a run that builds nothing has no outputs of its own.
            Outputs = settings.RecordArtifacts && !start.NoBuild && start.Outputs.Length > 0 ? ArtifactRecorder.Declared(start.Outputs) : [],
            StartedAt = settings.SetupStartedAt ?? DateTimeOffset.UtcNow,
        };
        if (inline)
        {
            context.Store = OpenStore(session, start);
            foreach (var (name, definition) in LoadTables(context, log, start.Tables))
            {
                context.Machines[name] = definition;
            }
        }

        // Read on the task's thread (the items belong to MSBuild); the commit may run in the background.
        // A run that builds nothing (`dotnet test` no-build) resolves no references: it keeps the
        // dependencies its build recorded (null leaves them as they are).
        var dependencies = start.EnterBuild && !start.NoBuild ? PhaseEntry.DependencyIds(repo, start.ProjectReferences, settings.Configuration) : null;
        session.Add(context);

        // The run id (the invocation registry, on a node's first use) and the run start are the
        // project's first commit.
        void StartRun()
        {
            if (!context.HasStore)
            {
                context.Store = OpenStore(session, start);
            }

            var store = context.Store;
            var metadata = Model.EnvironmentCapture.Capture(settings.EnvironmentAllowList);
            metadata["msbuild.configuration"] = settings.Configuration ?? "";
            metadata["msbuild.targetFramework"] = settings.TargetFramework ?? "";
            if (!string.IsNullOrEmpty(settings.RuntimeIdentifier))
            {
                // Builds for two runtimes share one build id: which one a run was, and how it was deployed.
                metadata["msbuild.runtimeIdentifier"] = settings.RuntimeIdentifier;
                metadata["msbuild.selfContained"] = string.Equals(settings.SelfContained, "true", StringComparison.OrdinalIgnoreCase) ? "true" : "false";
            }
            if (start.NoBuild)
            {
                metadata["msbuild.noBuild"] = "true";
            }

            // The invocation registry is joined while the node's writer registration (started by
            // the store's first open) is still being written: two files, two threads. Only the run
            // start must come after the registration, so a kill after it leaves the node's file.
            using (SdkTrace.Time("begin.runid"))
            {
                context.RunId = session.RunId(store, settings.RunId);
            }

            session.WaitUntilRegistered(store);

            using (SdkTrace.Time("begin.startrun"))
            {
                context.Committed = store.StartRun(context.BuildId, new StartRunRequest
                {
                    RunId = context.RunId,
                    Metadata = metadata,
                    ReplaceMetadata = true, // what this run saw; nothing left over from an earlier one
                    StartedAt = settings.SetupStartedAt,
                    ThenTransitionTo = DefaultLifecycle.Setup,
                    AndThen = start.EnterBuild ? [DefaultLifecycle.Build] : null,
                    Dependencies = dependencies,

                    // Another instance of this build in this invocation (a RuntimeIdentifier inner
                    // build, a reference's AdditionalProperties) building at the same time: one
                    // run, which the last instance to finish ends (docs/msbuild.md).
                    JoinOpenRunOfSameId = true,

                    // ... and an instance that builds after the others have ended keeps their
                    // outputs, so the build's state lists all the invocation made. Only under the
                    // SDK's own run ids, one per invocation: a BuildStateRunId (a CI's build
                    // number) is shared by separate commands, whose outputs are not this run's.
                    KeepArtifactsOfSameId = string.IsNullOrWhiteSpace(settings.RunId),
                });
                context.RunStarted = true;
            }
        }

        if (inline)
        {
            StartRun();
        }
        else
        {
            BackgroundCommit.Start(session, context, StartRun);
        }

        log.LogMessage(MessageImportance.Low, $"BuildState: recording {context.BuildId} in {start.StoreRoot}");
        return context;
    }

    private static BuildStore OpenStore(BuildSession session, RunStart start)
    {
        using var _ = SdkTrace.Time("begin.store");
        return session.Store(start.StoreRoot, () => Options(start.StoreRoot, start.Settings));
    }

    /// <summary>The BST1002 message for a durability <see cref="TryParseDurability"/> refused.</summary>
    public static string BadDurability(string value) => $"BuildStateDurability must be Full, Normal or None, not '{value}'";

    /// <summary>
    /// BuildStateDurability: the three names in any case; anything else as Enum.TryParse takes it
    /// (the generic parse is JIT-compiled in each node, so it only runs for unusual values).
    /// </summary>
    public static bool TryParseDurability(string value, out Durability durability)
    {
        foreach (var known in (ReadOnlySpan<Durability>)[Durability.Full, Durability.Normal, Durability.None])
        {
            if (string.Equals(value, Name(known), StringComparison.OrdinalIgnoreCase))
            {
                durability = known;
                return true;
            }
        }

        return Enum.TryParse(value, ignoreCase: true, out durability);
    }

    private static string Name(Durability durability) => durability switch
    {
        Durability.Full => "Full",
        Durability.Normal => "Normal",
        _ => "None",
    };

    private static Dictionary<string, ILifecycleDefinition> LoadTables(ProjectContext context, TaskLoggingHelper log, ITaskItem[] tables)
    {
        var store = context.Store;
        var loaded = new List<TableLoader.Loaded>(tables.Length);
        foreach (var item in tables)
        {
            var path = item.GetMetadata("FullPath");
            var table = TableLoader.Load(path);
            loaded.Add(table);
            foreach (var d in table.Diagnostics)
            {
                if (d.IsError)
                {
                    context.TableError ??= new Model.ErrorRecord { Code = d.Id, Message = d.Message, File = path, Line = d.Line, Column = d.Column };
                    log.LogError(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, HelpLinks.Append(d.Id, d.Message));
                }
                else
                {
                    log.LogWarning(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, HelpLinks.Append(d.Id, d.Message));
                }
            }
        }

        // The tasks and the store know a lifecycle by its name alone: two tables of one name (in
        // different namespaces, which the generator allows) would have the tasks drive one of them
        // and the store's copy flip between them. Neither is registered; BST1007 at each file.
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in loaded)
        {
            if (table.Definition is { } definition)
            {
                if (!files.TryGetValue(definition.Name, out var paths))
                {
                    files[definition.Name] = paths = [];
                }

                if (!paths.Contains(table.Path, StringComparer.Ordinal))
                {
                    paths.Add(table.Path); // one file named twice (another relative path) is one table
                }
            }
        }

        var machines = new Dictionary<string, ILifecycleDefinition>(StringComparer.Ordinal);
        foreach (var table in loaded)
        {
            if (table.Definition is not { } definition)
            {
                continue;
            }

            var paths = files[definition.Name];
            if (paths.Count > 1)
            {
                var others = string.Join(", ", paths.Where(p => p != table.Path));
                log.LogError(null, "BST1007", null, HelpLinks.For("BST1007"), table.Path, 0, 0, 0, 0, HelpLinks.Append("BST1007",
                    $"two tables of this project are named '{definition.Name}' (this file and {others}): the build-time tasks and the store know a lifecycle by its name alone. Give each table its own name"));
                continue;
            }

            store.Lifecycles.Register(definition);
            machines[definition.Name] = definition;
            store.SaveLifecycleTable(definition.Name, table.Text);
        }

        return machines;
    }
}
