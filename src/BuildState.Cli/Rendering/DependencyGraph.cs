using System.Text;
using BuildState.Model;

namespace BuildState.Cli.Rendering;

/// <summary>The project dependency graph (build -> the builds it depends on) as Mermaid or DOT text.</summary>
internal static class DependencyGraph
{
    public static string ToMermaid(IReadOnlyList<BuildRecord> builds)
    {
        var ids = NodeIds(builds);
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

        sb.Append("    classDef failed fill:#fdd,stroke:#c00\n");
        return sb.ToString();
    }

    public static string ToDot(IReadOnlyList<BuildRecord> builds)
    {
        var sb = new StringBuilder("digraph dependencies {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
        foreach (var id in NodeIds(builds).Keys)
        {
            var failed = builds.Any(b => b.Id == id && b.Status == RunStatus.Failed);
            sb.Append("    ").Append(Quote(id)).Append(failed ? " [color=red]" : "").Append(";\n");
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
    private static Dictionary<string, string> NodeIds(IReadOnlyList<BuildRecord> builds)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in builds.Select(b => b.Id).Concat(builds.SelectMany(b => b.Dependencies)))
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
