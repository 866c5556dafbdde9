using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>Turns MSBuild items into artifact records: existing files only, each once, with its Kind metadata.</summary>
internal static class ArtifactRecorder
{
    /// <summary>Plain loops: LINQ over tuples of strings would be JIT-compiled in every node.</summary>
    public static List<ArtifactInput> Inputs(IEnumerable<ITaskItem> items)
    {
        var inputs = new List<ArtifactInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var path = item.GetMetadata("FullPath");
            if (string.IsNullOrEmpty(path) || !File.Exists(path) || !seen.Add(path))
            {
                continue;
            }

            var kind = item.GetMetadata("Kind");
            inputs.Add(new ArtifactInput(path, string.IsNullOrEmpty(kind) ? null : kind));
        }

        return inputs;
    }

    public static int Record(BuildStore store, string buildId, IEnumerable<ITaskItem> items)
    {
        var inputs = Inputs(items);
        if (inputs.Count > 0)
        {
            store.RecordArtifacts(buildId, inputs);
        }

        return inputs.Count;
    }
}
