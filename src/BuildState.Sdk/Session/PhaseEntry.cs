using BuildState.Errors;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>
/// Moves a project's default-lifecycle run into a phase (Build, before CoreCompile) with its
/// ProjectReferences as dependencies, in one commit: BuildStateBeginRun's work when the run had
/// started already (a project with tables, or whose sources changed, starts it before BeforeBuild). Outside the task
/// class so it keeps its ReadyToRun code (see <see cref="RunStarter"/>).
/// </summary>
internal static class PhaseEntry
{
    public static void Enter(ProjectContext context, string phase, ITaskItem[] projectReferences, string? configuration)
    {
        if (context.Committed is { } known)
        {
            if (known.Phase == phase || known.Run?.EndedAt is not null)
            {
                return;
            }

            try
            {
                context.Committed = context.Store.Advance(context.BuildId, Request(context, phase, projectReferences, configuration));
                return;
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.Validation)
            {
                // The build moved on since this node committed it (another writer): decide again from what is stored.
            }
        }

        var record = context.Store.Get(context.BuildId);
        if (record.Phase == phase || record.Run?.EndedAt is not null)
        {
            context.Committed = record;
            return;
        }

        context.Committed = context.Store.Advance(context.BuildId, Request(context, phase, projectReferences, configuration));
    }

    private static AdvanceRequest Request(ProjectContext context, string phase, ITaskItem[] projectReferences, string? configuration) => new()
    {
        Dependencies = DependencyIds(context.RepositoryRoot, projectReferences, configuration),
        Transitions = [phase],
    };

    /// <summary>Each reference's build id, once, in order (empty without references).</summary>
    public static List<string> DependencyIds(string repositoryRoot, ITaskItem[] references, string? configuration)
    {
        var ids = new List<string>(references.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            var id = DependencyId(repositoryRoot, reference, configuration);
            if (seen.Add(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static string DependencyId(string repositoryRoot, ITaskItem reference, string? configuration)
    {
        var project = reference.GetMetadata("MSBuildSourceProjectFile");
        if (string.IsNullOrEmpty(project))
        {
            project = reference.ItemSpec;
        }

        var tfm = reference.GetMetadata("NearestTargetFramework");
        if (string.IsNullOrEmpty(tfm))
        {
            var set = reference.GetMetadata("SetTargetFramework");
            tfm = set.StartsWith("TargetFramework=", StringComparison.OrdinalIgnoreCase) ? set["TargetFramework=".Length..] : "";
        }

        return StoreLocator.BuildId(repositoryRoot, Path.GetFullPath(project), configuration, tfm);
    }
}
