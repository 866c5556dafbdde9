using System.Text;

namespace BuildState.Tables;

/// <summary>Renders a table as a Mermaid state diagram or a Graphviz DOT digraph (for <c>buildstate graph</c> and docs).</summary>
internal static class TableRenderer
{
    /// <summary>A Mermaid <c>stateDiagram-v2</c>: <c>[*]</c> to the initial state, terminal states to <c>[*]</c>, the error state styled.</summary>
    public static string ToMermaid(TransitionTable table)
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < table.States.Count; i++)
        {
            var name = table.States[i].Name;
            if (ids.ContainsKey(name))
            {
                continue;
            }

            var id = IsSimpleAscii(name) ? name : "s" + i;
            ids[name] = id;
            if (id != name)
            {
                sb.Append("    state \"").Append(name.Replace("\"", "#quot;")).Append("\" as ").Append(id).Append('\n');
            }
        }

        string Id(string name) => ids.TryGetValue(name, out var id) ? id : (IsSimpleAscii(name) ? name : "unknown");

        if (table.Initial != null)
        {
            sb.Append("    [*] --> ").Append(Id(table.Initial.Name)).Append('\n');
        }

        foreach (var state in table.States)
        {
            foreach (var target in state.Targets)
            {
                sb.Append("    ").Append(Id(state.Name)).Append(" --> ").Append(Id(target.Name)).Append('\n');
            }
        }

        foreach (var state in table.States)
        {
            if (state.IsTerminal)
            {
                sb.Append("    ").Append(Id(state.Name)).Append(" --> [*]\n");
            }
        }

        if (table.Error != null && ids.ContainsKey(table.Error.Name))
        {
            sb.Append("    classDef error fill:#fdd,stroke:#c00\n");
            sb.Append("    class ").Append(Id(table.Error.Name)).Append(" error\n");
        }

        return sb.ToString();
    }

    /// <summary>A Graphviz <c>digraph</c> named after the table, left to right; terminal states doubled, the error state red.</summary>
    public static string ToDot(TransitionTable table)
    {
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(table.Name)).Append(" {\n");
        sb.Append("    rankdir=LR;\n");
        sb.Append("    node [shape=box, style=rounded];\n");
        if (table.Initial != null)
        {
            sb.Append("    \"__start\" [shape=point, label=\"\"];\n");
            sb.Append("    \"__start\" -> ").Append(Quote(table.Initial.Name)).Append(";\n");
        }

        foreach (var state in table.States)
        {
            sb.Append("    ").Append(Quote(state.Name));
            var attributes = new List<string>();
            if (state.IsTerminal)
            {
                attributes.Add("peripheries=2");
            }

            if (table.Error != null && state.Name == table.Error.Name)
            {
                attributes.Add("color=red");
            }

            if (attributes.Count > 0)
            {
                sb.Append(" [").Append(string.Join(", ", attributes)).Append(']');
            }

            sb.Append(";\n");
        }

        foreach (var state in table.States)
        {
            foreach (var target in state.Targets)
            {
                sb.Append("    ").Append(Quote(state.Name)).Append(" -> ").Append(Quote(target.Name)).Append(";\n");
            }
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    private static bool IsSimpleAscii(string name)
    {
        if (name.Length == 0 || (name[0] >= '0' && name[0] <= '9'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            if (c == '"' || c == '\\')
            {
                sb.Append('\\');
            }

            if (c == '\n' || c == '\r')
            {
                sb.Append(' ');
                continue;
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }
}
