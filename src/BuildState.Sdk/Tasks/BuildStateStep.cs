using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Marks the start and the end of a project instance's Pack or Publish step in this build (no store
/// access: a note in the build's session). A step that started and did not end failed, or was cut
/// off: the end of the build records that on the run the step belongs to (<see cref="StepCloser"/>),
/// whose status then stops being Succeeded. Called by the SDK's targets, in pack and publish only
/// (after the build, before the step's own work; and after Pack or Publish); not meant for custom targets.
/// </summary>
public sealed class BuildStateStep : BuildStateTask
{
    /// <summary>The project, with the store settings as metadata (the targets' _BuildStateLatestRunSettings).</summary>
    [Required]
    public ITaskItem? Settings { get; set; }

    /// <summary>Pack or Publish.</summary>
    [Required]
    public string Step { get; set; } = "";

    /// <summary>The target frameworks whose builds the step's files belong to, when this instance recorded no run (a multi-targeted project's outer build, a no-build pack or publish).</summary>
    public string TargetFrameworks { get; set; } = "";

    /// <summary>False at the step's start, true at its end.</summary>
    public bool Ended { get; set; }

    // Notes only, in the session: no build's state changes here.
    private protected override bool TracksCommittedState => true;

    private protected override void ExecuteCore()
    {
        var settings = RunSettings.Read(Settings!, out var invalid);
        Strict = settings.Strict;
        if (invalid is not null)
        {
            throw new UserError("BST1002", invalid, settings.ProjectPath);
        }

        var key = ContextKey(settings.ProjectPath);
        if (Ended)
        {
            Session.StepEnded(key, Step);
            if (Step == "Pack")
            {
                Session.StepEnded(key, "Publish"); // a tool package publishes inside its pack, without the Publish target
            }

            return;
        }

        if (UsableStoreRoot(settings.ProjectPath, settings.StoreRoot) is not { } root)
        {
            return;
        }

        var store = Session.Store(root, () => RunStarter.Options(root, settings));
        var context = Session.Find(key);
        List<string> buildIds = context is not null ? [context.BuildId] : StoreLocator.BuildIds(root, settings.ProjectPath, settings.Configuration, TargetFrameworks);
        Session.StepStarted(key, new PendingStep { Step = Step, Store = store, StoreRoot = root, BuildIds = buildIds, Context = context });
    }
}
