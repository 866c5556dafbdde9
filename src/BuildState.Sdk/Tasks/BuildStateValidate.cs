using BuildState.Errors;
using BuildState.Sdk.Session;
using BuildState.Store;
using BuildState.Tables;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// Checks table files with the generator's rules (errors at file, line and column) and, when the
/// project records, validates its builds in the store. Store problems are warnings BST1006 unless
/// <see cref="FailOnStoreProblems"/> is set.
/// </summary>
public sealed class BuildStateValidate : BuildStateTask
{
    public ITaskItem[] Tables { get; set; } = [];

    /// <summary>Also hash artifacts on disk against the store.</summary>
    public bool CheckArtifacts { get; set; }

    public bool FailOnStoreProblems { get; set; }

    [Output]
    public int Problems { get; set; }

    private protected override void ExecuteCore()
    {
        foreach (var item in Tables)
        {
            var path = item.GetMetadata("FullPath");
            foreach (var d in TableLoader.Load(path).Diagnostics)
            {
                Problems++;
                if (d.IsError)
                {
                    Log.LogError(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, HelpLinks.Append(d.Id, d.Message));
                }
                else
                {
                    Log.LogWarning(null, d.Id, null, d.HelpLink, path, d.Line, d.Column, d.Span.EndLine, d.Span.EndColumn, HelpLinks.Append(d.Id, d.Message));
                }
            }
        }

        if (FindContext() is not { } context)
        {
            return;
        }

        var builds = new[] { context.BuildId }.Concat(context.Machines.Keys.Select(context.MachineBuildId));
        foreach (var id in builds.Where(id => context.Store.TryGet(id) is not null))
        {
            var report = new StoreValidator(context.Store).Validate(new ValidationOptions { BuildId = id, CheckArtifacts = CheckArtifacts });
            foreach (var problem in report.Problems)
            {
                Problems++;
                // The kind, not the command-line tool's exit code, which reads in a build log as if a process had exited (see StoreErrorText.Describe).
                var message = $"{problem.Message} ({problem.Kind})";
                if (FailOnStoreProblems)
                {
                    Log.LogError(null, "BST1006", null, HelpLinks.For("BST1006"), problem.File, 0, 0, 0, 0, HelpLinks.Append("BST1006", message));
                }
                else
                {
                    Log.LogWarning(null, "BST1006", null, HelpLinks.For("BST1006"), problem.File, 0, 0, 0, 0, HelpLinks.Append("BST1006", message));
                }
            }
        }
    }
}
