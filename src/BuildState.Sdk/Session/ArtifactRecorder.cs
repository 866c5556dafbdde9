using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>Turns MSBuild items into artifact records: existing files only, each once, with its Kind metadata.</summary>
internal static class ArtifactRecorder
{
    public static List<ArtifactInput> Inputs(IEnumerable<ITaskItem> items) =>
        items
            .Select(i => (Path: i.GetMetadata("FullPath"), Kind: i.GetMetadata("Kind")))
            .Where(i => !string.IsNullOrEmpty(i.Path) && File.Exists(i.Path))
            .DistinctBy(i => i.Path, StringComparer.Ordinal)
            .Select(i => new ArtifactInput(i.Path, string.IsNullOrEmpty(i.Kind) ? null : i.Kind))
            .ToList();

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
