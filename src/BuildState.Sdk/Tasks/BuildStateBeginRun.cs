using BuildState.Lifecycle;
using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Starts the run of a project instance and sets up the context the other tasks use. Called by the
/// SDK's targets before CoreCompile: the run starts at the time Setup began, before BeforeBuild (taken there
/// by a property function, since a task call would cost every build one more task per project) and
/// goes Init -> Setup -> Build with the ProjectReferences as dependencies, in one commit. When the
/// run has started already (a project with tables starts it before BeforeBuild, so its own
/// targets can use the tasks; a project whose sources changed starts it before BeforeBuild, so
/// a build cut off before its compile is recorded) only Setup -> Build is committed. <see cref="Phase"/> Setup starts
/// the run without entering Build: that early start, and a build that failed before CoreCompile.
/// Not meant for custom targets.
/// </summary>
public sealed class BuildStateBeginRun : BuildStateTask
{
    /// <summary>
    /// The project, with the settings as metadata (one item rather than a parameter each: MSBuild
    /// binds every parameter of every call, see <see cref="RunSettings"/>).
    /// </summary>
    [Required]
    public ITaskItem? Settings { get; set; }

    /// <summary>Where the run goes: Build (before CoreCompile, the default) or Setup.</summary>
    public string Phase { get; set; } = DefaultLifecycle.Build;

    /// <summary>Resolved project references (with NearestTargetFramework/SetTargetFramework metadata), recorded as dependencies on entering Build.</summary>
    public ITaskItem[] ProjectReferences { get; set; } = [];

    /// <summary>The project's table files (BuildStateMachine items): custom lifecycles its targets may drive.</summary>
    public ITaskItem[] Tables { get; set; } = [];

    /// <summary>
    /// The run records tests of outputs built earlier (`dotnet test --no-build`): nothing is built,
    /// so Setup and Build pass at the moment the tests start, and the run says so in its metadata.
    /// </summary>
    public bool NoBuild { get; set; }

    /// <summary>
    /// The project's outputs (the _BuildStateOutput items, with Kind metadata), the same items
    /// BuildStateFinishRun records after Build: kept so the end of the build can record them when
    /// the run fails after its compile (a target after Build), where no item is at hand.
    /// </summary>
    public ITaskItem[] Outputs { get; set; } = [];

    [Output]
    public string? BuildId { get; set; }

    private protected override bool TracksCommittedState => true;

    private protected override bool SetParameter(string name, object? value)
    {
        switch (name)
        {
            case nameof(Settings):
                Settings = (ITaskItem?)value;
                return true;
            case nameof(Phase):
                Phase = (string)value!;
                return true;
            case nameof(ProjectReferences):
                ProjectReferences = (ITaskItem[])value!;
                return true;
            case nameof(Tables):
                Tables = (ITaskItem[])value!;
                return true;
            case nameof(NoBuild):
                NoBuild = (bool)value!;
                return true;
            case nameof(Outputs):
                Outputs = (ITaskItem[])value!;
                return true;
            default:
                return base.SetParameter(name, value);
        }
    }

    private protected override bool GetParameter(string name, out object? value)
    {
        value = BuildId;
        return name == nameof(BuildId) || base.GetParameter(name, out value);
    }

    private protected override void ExecuteCore()
    {
        var settings = RunSettings.Read(Settings!, out var invalid);
        Strict = settings.Strict; // a setting like the others (one parameter less to bind per call)
        if (invalid is not null)
        {
            // Once per project instance: after this error the build's failure path (CoreBuild's
            // OnError) calls this task again with the same settings.
            if (Session.FirstReportOfBadSettings(ContextKey(settings.ProjectPath)))
            {
                throw new UserError("BST1002", invalid, settings.ProjectPath);
            }

            return;
        }

        var enterBuild = Phase switch
        {
            DefaultLifecycle.Build => true,
            DefaultLifecycle.Setup => false,
            _ => throw new UserError("BST1002", $"BuildStateBeginRun's Phase must be Setup or Build, not '{Phase}'", settings.ProjectPath),
        };
        Project = settings.ProjectPath;
        var key = ContextKey(settings.ProjectPath);
        if (Session.Find(key) is not null)
        {
            // The run started early (a project with tables): only the step into Build is left.
            if (enterBuild && FindContext() is { DefaultRunEnded: false } started)
            {
                PhaseEntry.Enter(started, DefaultLifecycle.Build, ProjectReferences, settings.Configuration);
                BuildId = started.BuildId;
            }

            return;
        }

        if (UsableStoreRoot(settings.ProjectPath, settings.StoreRoot) is not { } root)
        {
            return;
        }

        var context = RunStarter.Begin(Session, Log, new RunStart
        {
            ContextKey = key,
            StoreRoot = root,
            Settings = settings,
            Tables = Tables,
            EnterBuild = enterBuild,
            ProjectReferences = ProjectReferences,
            NoBuild = NoBuild,
            Outputs = Outputs,
        });
        BuildId = context.BuildId;
    }
}
