using BuildState.Generators.Model;
using BuildState.Tables;

namespace BuildState.Generators.Parsing;

/// <summary>Turns a validated <see cref="TransitionTable"/> into the equatable pipeline model.</summary>
internal static class ModelBuilder
{
    /// <summary>The top-level type names a table generates (namespace-qualified), for duplicate detection.</summary>
    public static EquatableArray<string> GeneratedNames(TransitionTable table)
    {
        if (!CSharpNames.IsValidIdentifier(table.Name))
        {
            return EquatableArray<string>.Empty;
        }

        var prefix = table.Namespace.Length == 0 ? "" : table.Namespace + ".";
        var names = new List<string> { prefix + table.Name, prefix + table.Name + "Transitions" };
        if (!table.FromEnum)
        {
            names.Add(prefix + table.PhaseTypeName);
        }

        return names.ToEquatableArray();
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
