using System.Text;
using BuildState.Model;

namespace BuildState.Cli.Rendering;

/// <summary>
/// The project dependency graph (build -> the builds it depends on) as Mermaid or DOT text. Builds
/// that could not be read (<paramref name="unreadable"/>: their ids, or folder names) are drawn as
/// such, without edges (what they depend on is unknown).
/// </summary>
internal static class DependencyGraph
{
    public static string ToMermaid(IReadOnlyList<BuildRecord> builds, IReadOnlyList<string>? unreadable = null)
    {
        unreadable ??= [];
        var ids = NodeIds(builds, unreadable);
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var (id, node) in ids)
        {
            sb.Append("    ").Append(node).Append("[\"").Append(id.Replace("\"", "#quot;")).Append("\"]\n");
        }

        foreach (var b in builds)
        {
            foreach (var dep in b.Dependencies)
            {
                sb.Append("    ").Append(ids[b.Id]).Append(" --> ").Append(ids[dep]).Append('\n');
            }
        }

        foreach (var b in builds.Where(b => b.Status == RunStatus.Failed))
        {
            sb.Append("    class ").Append(ids[b.Id]).Append(" failed\n");
        }

        foreach (var id in unreadable)
        {
            sb.Append("    ").Append(ids[id]).Append("[\"").Append(id.Replace("\"", "#quot;")).Append(" (unreadable)\"]\n");
            sb.Append("    class ").Append(ids[id]).Append(" unreadable\n");
        }

        sb.Append("    classDef failed fill:#fdd,stroke:#c00\n");
        if (unreadable.Count > 0)
        {
            sb.Append("    classDef unreadable fill:#eee,stroke:#c00,stroke-dasharray:4 3\n");
        }

        return sb.ToString();
    }

    public static string ToDot(IReadOnlyList<BuildRecord> builds, IReadOnlyList<string>? unreadable = null)
    {
        unreadable ??= [];
        var sb = new StringBuilder("digraph dependencies {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
        foreach (var id in NodeIds(builds, unreadable).Keys)
        {
            var failed = builds.Any(b => b.Id == id && b.Status == RunStatus.Failed);
            var attributes = unreadable.Contains(id)
                ? $" [color=red, style=\"rounded,dashed\", label={Quote(id + " (unreadable)")}]"
                : failed ? " [color=red]" : "";
            sb.Append("    ").Append(Quote(id)).Append(attributes).Append(";\n");
        }

        foreach (var b in builds)
        {
            foreach (var dep in b.Dependencies)
            {
                sb.Append("    ").Append(Quote(b.Id)).Append(" -> ").Append(Quote(dep)).Append(";\n");
            }
        }

        return sb.Append("}\n").ToString();
    }

    /// <summary>Every build and every dependency (a dependency may not be in the store), with a simple node id each.</summary>
    private static Dictionary<string, string> NodeIds(IReadOnlyList<BuildRecord> builds, IReadOnlyList<string> unreadable)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in builds.Select(b => b.Id).Concat(builds.SelectMany(b => b.Dependencies)).Concat(unreadable))
        {
            if (!ids.ContainsKey(id))
            {
                ids[id] = "n" + ids.Count;
            }
        }

        return ids;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
