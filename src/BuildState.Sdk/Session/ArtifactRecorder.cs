using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>Turns MSBuild items into artifact records: existing files only, each once, with its Kind metadata.</summary>
internal static class ArtifactRecorder
{
    /// <summary>Plain loops: LINQ over tuples of strings would be JIT-compiled in every node.</summary>
    public static List<ArtifactInput> Inputs(IEnumerable<ITaskItem> items) => Existing(Declared(items));

    /// <summary>
    /// The items as artifacts (full path, Kind metadata), whether their files exist or not: read on
    /// the task's thread (the items belong to MSBuild) for a later look at the disk (<see cref="Existing"/>).
    /// </summary>
    public static List<ArtifactInput> Declared(IEnumerable<ITaskItem> items)
    {
        var declared = new List<ArtifactInput>();
        foreach (var item in items)
        {
            var path = item.GetMetadata("FullPath");
            if (!string.IsNullOrEmpty(path))
            {
                var kind = item.GetMetadata("Kind");
                declared.Add(new ArtifactInput(path, string.IsNullOrEmpty(kind) ? null : kind));
            }
        }

        return declared;
    }

    /// <summary>The artifacts whose files exist, each once (an output that does not exist, a library's apphost, is left out without a word).</summary>
    public static List<ArtifactInput> Existing(IEnumerable<ArtifactInput> artifacts)
    {
        var inputs = new List<ArtifactInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in artifacts)
        {
            if (File.Exists(artifact.Path) && seen.Add(artifact.Path))
            {
                inputs.Add(artifact);
            }
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
