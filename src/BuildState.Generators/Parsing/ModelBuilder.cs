using System.Text;
using BuildState.Generators.Model;
using BuildState.Tables;

namespace BuildState.Generators.Parsing;

/// <summary>Turns a validated <see cref="TransitionTable"/> into the equatable pipeline model.</summary>
internal static class ModelBuilder
{
    /// <summary>What duplicate detection needs of a table; null when its name cannot name a type (it generates nothing).</summary>
    public static TableIdentity? Identity(TransitionTable table, string description)
    {
        if (!CSharpNames.IsValidIdentifier(table.Name))
        {
            return null;
        }

        var prefix = table.Namespace.Length == 0 ? "" : table.Namespace + ".";
        var names = new List<string> { prefix + table.Name, prefix + table.Name + "Transitions" };
        if (!table.FromEnum)
        {
            names.Add(prefix + table.PhaseTypeName);
        }

        return new TableIdentity(
            table.Name,
            description,
            names.ToEquatableArray(),
            HintName(CSharpNames.EscapeNamespace(table.Namespace), table.Name),
            LocationInfo.Create(table.Path, table.NameSpan.IsEmpty ? table.Span : table.NameSpan));
    }

    /// <summary>The generated file's name: <c>&lt;Namespace&gt;.&lt;Name&gt;.BuildState.g.cs</c>, ASCII only.</summary>
    public static string HintName(string @namespace, string name)
    {
        var full = (@namespace.Length == 0 ? "" : @namespace + ".") + name;
        var sb = new StringBuilder();
        var changed = false;
        foreach (var c in full)
        {
            var keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
            sb.Append(keep ? c : '_');
            changed |= !keep;
        }

        if (changed)
        {
            // Non-ASCII names: keep hint names distinct (a duplicate hint name would fail the generator).
            var hash = 2166136261u;
            foreach (var c in full)
            {
                hash = unchecked((hash ^ c) * 16777619u);
            }

            sb.Append('.').Append(hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.Append(".BuildState.g.cs").ToString();
    }

    /// <summary>The model of a table with no error, else null.</summary>
    public static TableModel? Build(TransitionTable table, bool valid, string accessibility, string phaseTypeFullName, string sourceName)
    {
        if (!valid || table.Initial == null)
        {
            return null;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < table.States.Count; i++)
        {
            index[table.States[i].Name] = i;
        }

        var states = new List<StateModel>(table.States.Count);
        foreach (var state in table.States)
        {
            var targets = new List<int>();
            foreach (var target in state.Targets)
            {
                if (index.TryGetValue(target.Name, out var t) && !targets.Contains(t))
                {
                    targets.Add(t);
                }
            }

            states.Add(new StateModel(state.Name, CSharpNames.Escape(state.Name), state.IsTerminal, targets.ToEquatableArray()));
        }

        return new TableModel(
            table.Name,
            CSharpNames.EscapeNamespace(table.Namespace),
            accessibility,
            table.FromEnum,
            CSharpNames.Escape(table.PhaseTypeName),
            phaseTypeFullName,
            index[table.Initial.Name],
            table.Error != null && index.TryGetValue(table.Error.Name, out var e) ? e : -1,
            states.ToEquatableArray(),
            sourceName);
    }
}
