using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Records files made from the outputs of builds that ran before this project instance (packages,
/// published files) as artifacts of those builds' latest runs: a multi-targeted project's `dotnet
/// pack` (the outer build packs, and has no run of its own; the package goes to every inner build it
/// was packed from), and `dotnet pack --no-build` / `dotnet publish --no-build` (nothing builds, so
/// no run is open: the files go to the run that built what they were made of). A build with no run
/// in the store (never recorded) gets nothing, and a low-importance message says so. Called by the
/// SDK's targets after Pack and Publish; not meant for custom targets.
/// </summary>
public sealed class BuildStateAddToLatestRun : BuildStateTask
{
    /// <summary>The project, with the store settings as metadata (as <see cref="BuildStateBeginRun.Settings"/>).</summary>
    [Required]
    public ITaskItem? Settings { get; set; }

    /// <summary>The target frameworks whose builds get the files (a multi-targeted project's TargetFrameworks; else its TargetFramework).</summary>
    [Required]
    public string TargetFrameworks { get; set; } = "";

    /// <summary>The files (Kind metadata optional).</summary>
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>The builds the files were recorded for.</summary>
    [Output]
    public string[] RecordedFor { get; set; } = [];

    private protected override void ExecuteCore()
    {
        var settings = RunSettings.Read(Settings!, out var invalid);
        Strict = settings.Strict;
        if (invalid is not null)
        {
            throw new UserError("BST1002", invalid, settings.ProjectPath);
        }

        if (Files.Length == 0 || UsableStoreRoot(settings.ProjectPath, settings.StoreRoot) is not { } root)
        {
            return;
        }

        var store = Session.Store(root, () => RunStarter.Options(root, settings));
        var recorded = new List<string>();
        foreach (var buildId in StoreLocator.BuildIds(root, settings.ProjectPath, settings.Configuration, TargetFrameworks))
        {
            if (store.TryGet(buildId) is not { Run: not null })
            {
                // Never recorded (recording was off for its build, or the store is new): nothing to add to.
                Log.LogMessage(MessageImportance.Low, $"BuildState: {buildId} has no recorded run, so its {Files.Length} file(s) are not recorded. Build it with recording on first");
                continue;
            }

            var inputs = ArtifactRecorder.Inputs(Files);
            if (inputs.Count > 0)
            {
                // Looked at again at the end of the build, as a run's own outputs are (a target after
                // Pack may sign the package): only these files, this node knowing of them alone.
                var record = store.RecordArtifacts(buildId, inputs);
                Session.RefreshAtBuildEnd(root, store, record, inputs);
                recorded.Add(buildId);
            }
        }

        RecordedFor = [.. recorded];
    }
}
