namespace BuildState.Tables;

/// <summary>
/// The table rules, shared by the file form, the enum form, the generator, the analyzer and the
/// MSBuild tasks. Reports every problem it finds (not only the first).
/// </summary>
internal static class TableValidator
{
    public static IReadOnlyList<TableDiagnostic> Validate(TransitionTable table)
    {
        var diagnostics = new List<TableDiagnostic>();
        Validate(table, diagnostics);
        return diagnostics;
    }

    /// <summary>
    /// The most states and transitions a table may have. The generated code grows with each (a type
    /// per state, a method per transition) and the compiler's time faster than that: a 2,000-state
    /// chain took 75 s to compile and a 20,000-state one ran out of memory, all within the file
    /// limits. Lifecycles have tens of phases; these bounds keep a table's compile to seconds.
    /// </summary>
    public const int MaxStates = 256, MaxTransitions = 4096;

    public static void Validate(TransitionTable table, List<TableDiagnostic> diagnostics)
    {
        void Add(string id, string message, SourceSpan span) =>
            diagnostics.Add(new TableDiagnostic(id, TableSeverity.Error, message, table.Path, span));

        var nameSpan = table.NameSpan.IsEmpty ? table.Span : table.NameSpan;

        var transitions = table.States.Sum(s => s.Targets.Count);
        if (table.States.Count > MaxStates || transitions > MaxTransitions)
        {
            // Nothing else is checked: the other rules' messages list states, and would be as large.
            Add(TableRules.InvalidStructure,
                "The table has " + table.States.Count + " states and " + transitions + " transitions; at most " + MaxStates + " states and " + MaxTransitions +
                " transitions are supported (the generated code grows with each); split the lifecycle into smaller tables.",
                nameSpan);
            return;
        }

        // Names of the table and the namespace.
        if (!CSharpNames.IsUsableTypeName(table.Name))
        {
            Add(TableRules.InvalidIdentifier, "Table name '" + table.Name + "' is not a valid C# identifier; use letters, digits and '_', not starting with a digit (for example \"Release\").", nameSpan);
        }

        else if (!table.IsBuiltIn && string.Equals(table.Name, CSharpNames.BuiltInLifecycleName, StringComparison.OrdinalIgnoreCase))
        {
            Add(TableRules.NameCollision,
                "Table name '" + table.Name + "' is reserved for the SDK's built-in lifecycle 'Default': the MSBuild tasks, the store and the buildstate command know a lifecycle by its name (in any case), " +
                "and would take this table for the built-in one; give the table another name (for example \"Release\").",
                nameSpan);
        }

        else if (table.Namespace.Length == 0 && IsOrdinalIn(table.Name, CSharpNames.NamespacesOfGeneratedCode))
        {
            Add(TableRules.NameCollision,
                "Table name '" + table.Name + "' in the global namespace would hide the namespace '" + table.Name +
                "' that the generated code uses; give the table a namespace (\"namespace\": \"MyCompany.Build\", or declare the enum in a namespace) or another name.",
                nameSpan);
        }

        else if (GeneratedNameTakenByGeneratedCode(table) is { } taken)
        {
            Add(TableRules.NameCollision,
                "Table name '" + table.Name + "' in namespace '" + table.Namespace + "' would generate '" + taken +
                "', a name the generated code already uses there; give the table another name or namespace.",
                nameSpan);
        }

        if (!CSharpNames.IsValidNamespace(table.Namespace))
        {
            Add(TableRules.InvalidIdentifier, "Namespace '" + table.Namespace + "' is not a valid C# namespace; use C# identifiers separated by dots (for example \"MyCompany.Build\"), or leave it out.", table.NamespaceSpan.IsEmpty ? nameSpan : table.NamespaceSpan);
        }
        else if (CSharpNames.IsUsableTypeName(table.Name))
        {
            // The longest generated type name, as metadata stores it: Namespace.<Name>Transitions.
            var bytes = (table.Namespace.Length == 0 ? 0 : CSharpNames.Utf8Length(table.Namespace) + 1) + CSharpNames.Utf8Length(table.Name) + CSharpNames.LongestTableSuffix.Length;
            if (bytes > CSharpNames.MaxMetadataNameBytes)
            {
                Add(TableRules.InvalidIdentifier,
                    "Table name '" + Shorten(table.Name) + "' is too long: its generated type '" + (table.Namespace.Length == 0 ? "" : Shorten(table.Namespace) + ".") + Shorten(table.Name) + CSharpNames.LongestTableSuffix +
                    "' takes " + bytes + " bytes in UTF-8, and .NET metadata allows at most " + CSharpNames.MaxMetadataNameBytes + " (CS7013); shorten the name or the namespace.",
                    nameSpan);
            }
        }

        // State names.
        foreach (var state in table.States)
        {
            if (!CSharpNames.IsUsableTypeName(state.Name))
            {
                Add(TableRules.InvalidIdentifier,
                    "State name '" + state.Name + "' is not a valid C# identifier (letters, digits and '_', not starting with a digit; keywords are escaped).",
                    state.Span);
            }
            else if (CSharpNames.StatePrefix.Length + CSharpNames.Utf8Length(state.Name) > CSharpNames.MaxMetadataNameBytes)
            {
                Add(TableRules.InvalidIdentifier,
                    "State name '" + Shorten(state.Name) + "' is too long: its transition method 'To" + Shorten(state.Name) + "()' takes " +
                    (CSharpNames.StatePrefix.Length + CSharpNames.Utf8Length(state.Name)) + " bytes in UTF-8, and .NET metadata allows at most " + CSharpNames.MaxMetadataNameBytes + " (CS7013); shorten the name.",
                    state.Span);
            }
            else if (IsOrdinalIn(state.Name, CSharpNames.ReservedStateNames) || string.Equals(state.Name, table.Name, StringComparison.Ordinal))
            {
                Add(TableRules.NameCollision,
                    "State name '" + state.Name + "' collides with a generated name (" +
                    (string.Equals(state.Name, table.Name, StringComparison.Ordinal) ? "the table's own class '" + table.Name + "'" : "a member of the generated typestate class") +
                    "); rename the state.",
                    state.Span);
            }
        }

        // Phase names that differ only by case: the CLI matches phase names in any case.
        var byCaselessName = new Dictionary<string, TableState>(StringComparer.OrdinalIgnoreCase);
        foreach (var state in table.States)
        {
            if (!byCaselessName.TryGetValue(state.Name, out var first))
            {
                byCaselessName.Add(state.Name, state);
            }
            else if (!string.Equals(first.Name, state.Name, StringComparison.Ordinal))
            {
                Add(TableRules.DuplicateTransition,
                    "State '" + state.Name + "' differs from state '" + first.Name + "'" + Where(first.Span) +
                    " only by case; phase names are matched in any case (buildstate list --phase, graph), so rename one of them.",
                    state.Span);
            }
        }

        // Initial state.
        TableState? initial = null;
        if (table.Initial == null)
        {
            // A missing member is reported at the table itself (the file's '{', the enum's name), as the parser does.
            Add(TableRules.InitialState,
                table.FromEnum ? "The enum has no initial state: set Initial = ... in [BuildStateMachine]." : "The table has no 'initial' state: add \"initial\": \"<the state every run starts in>\".",
                table.Span);
        }
        else
        {
            initial = table.FindState(table.Initial.Name);
            if (initial == null)
            {
                Add(TableRules.InitialState, "Initial state '" + table.Initial.Name + "' is not a state of the table" + Known(table) + "; name one of them, or add the state.", table.Initial.Span);
            }
        }

        // Error state.
        if (table.Error != null && table.FindState(table.Error.Name) == null)
        {
            Add(TableRules.UnknownState, "Error state '" + table.Error.Name + "' is not a state of the table" + Known(table) + "; name one of them, or leave the error state out.", table.Error.Span);
        }

        if (table.Terminal.Count == 0)
        {
            Add(TableRules.InvalidStructure,
                table.FromEnum ? "The enum has no [Terminal] member: a run must be able to end." : "The table has no terminal state: a run must be able to end. List at least one state in 'terminal'.",
                table.TerminalSpan.IsEmpty ? table.Span : table.TerminalSpan);
        }

        // Terminal list duplicates.
        var terminals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var terminal in table.Terminal)
        {
            if (!terminals.Add(terminal.Name))
            {
                Add(TableRules.DuplicateTransition, "Terminal state '" + terminal.Name + "' is listed more than once; remove the repeat.", terminal.Span);
            }
        }

        // Targets.
        foreach (var state in table.States)
        {
            var targets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var target in state.Targets)
            {
                if (table.FindState(target.Name) == null)
                {
                    Add(TableRules.UnknownState, "State '" + state.Name + "' has a transition to unknown state '" + target.Name + "'" + Known(table) + "; correct the name, or add '" + target.Name + "' as a state.", target.Span);
                }
                else if (!targets.Add(target.Name))
                {
                    Add(TableRules.DuplicateTransition, "Transition '" + state.Name + "' -> '" + target.Name + "' is declared more than once; remove the repeat.", target.Span);
                }
                else if (string.Equals("To" + target.Name, state.Name, StringComparison.Ordinal))
                {
                    Add(TableRules.NameCollision,
                        "State '" + state.Name + "' would get a method 'To" + target.Name + "()' with its own name (its transition to '" + target.Name + "'); rename one of the states.",
                        target.Span);
                }
            }

            if (state.IsTerminal && state.Targets.Count > 0)
            {
                Add(TableRules.TerminalWithTransitions,
                    "Terminal state '" + state.Name + "' has transitions out (to " + string.Join(", ", Distinct(state.Targets)) + "); a terminal state ends the run, so remove its transitions or take it out of the terminal states.",
                    state.Span);
            }
            else if (!state.IsTerminal && state.Targets.Count == 0)
            {
                Add(TableRules.DeadEndState,
                    "State '" + state.Name + "' is not terminal and has no transitions out: a run in it could never end. Add targets or list it in 'terminal'.",
                    state.Span);
            }
        }

        // Reachability from the initial state.
        if (initial != null)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { initial.Name };
            var queue = new Queue<TableState>();
            queue.Enqueue(initial);
            while (queue.Count > 0)
            {
                var state = queue.Dequeue();
                foreach (var target in state.Targets)
                {
                    var next = table.FindState(target.Name);
                    if (next != null && reached.Add(next.Name))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            foreach (var state in table.States)
            {
                if (!reached.Contains(state.Name))
                {
                    Add(TableRules.UnreachableState, "State '" + state.Name + "' cannot be reached from the initial state '" + initial.Name + "'; add a transition to it from a state that can be reached, or remove it.", state.Span);
                }
            }
        }
    }

    /// <summary>The first type name the table generates that the generated code uses in that namespace itself, else null.</summary>
    private static string? GeneratedNameTakenByGeneratedCode(TransitionTable table)
    {
        foreach (var pair in CSharpNames.NamesOfGeneratedCode)
        {
            if (string.Equals(pair.Key, table.Namespace, StringComparison.Ordinal) &&
                (string.Equals(pair.Value, table.Name, StringComparison.Ordinal) ||
                 string.Equals(pair.Value, table.Name + "Transitions", StringComparison.Ordinal) ||
                 (!table.FromEnum && string.Equals(pair.Value, table.PhaseTypeName, StringComparison.Ordinal))))
            {
                return pair.Value;
            }
        }

        return null;
    }

    private static bool IsOrdinalIn(string name, IReadOnlyList<string> names)
    {
        foreach (var reserved in names)
        {
            if (string.Equals(reserved, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A name for a message: a name long enough to break the metadata limit is cut.</summary>
    private static string Shorten(string name) =>
        name.Length <= 40 ? name : name.Substring(0, char.IsHighSurrogate(name[31]) ? 31 : 32) + "...";

    private static string Where(SourceSpan span) => span.IsEmpty ? "" : " (line " + span.Line + ")";

    private static IEnumerable<string> Distinct(List<TableName> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (seen.Add(n.Name))
            {
                yield return n.Name;
            }
        }
    }

    private static string Known(TransitionTable table)
    {
        if (table.States.Count == 0)
        {
            return "";
        }

        var names = new List<string>();
        foreach (var s in table.States)
        {
            if (names.Count == 20)
            {
                names.Add("...");
                break;
            }

            names.Add(s.Name);
        }

        return " (states: " + string.Join(", ", names) + ")";
    }
}
